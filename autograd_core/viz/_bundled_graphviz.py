"""Render DOT read from stdin with the Graphviz engine inside the pygraphviz wheel.

Run as a script, never imported: ``python _bundled_graphviz.py FORMAT [DPI] < graph.dot``
writes the picture to stdout. A separate process, so that a crash inside Graphviz (it is C)
becomes an error message instead of taking the Python session (or the Jupyter kernel) down.
The layout runs on a thread with a large stack: Graphviz recurses on long graphs.
Exit status: 0 done, 3 pygraphviz cannot be imported, 4 Graphviz failed.
"""

import sys
import threading


def main() -> int:
    fmt = sys.argv[1]
    dpi = sys.argv[2] if len(sys.argv) > 2 else None
    source = sys.stdin.buffer.read().decode("utf-8")
    try:
        import pygraphviz
    except ImportError as err:
        print(f"cannot import pygraphviz ({err})", file=sys.stderr)
        return 3
    result = {}

    def layout_and_render() -> None:
        try:
            graph = pygraphviz.AGraph(string=source)
            if dpi is not None:
                graph.graph_attr["dpi"] = dpi
            result["data"] = graph.draw(format=fmt, prog="dot")
        except Exception as err:  # reported to the parent, which names the renderer
            result["error"] = f"{type(err).__name__}: {err}"

    try:
        threading.stack_size(512 * 1024 * 1024)
    except (ValueError, RuntimeError):  # a platform that refuses: the default stack
        pass
    worker = threading.Thread(target=layout_and_render)
    worker.start()
    worker.join()
    if "error" in result:
        print(result["error"], file=sys.stderr)
        return 4
    if not result.get("data"):
        print(f"Graphviz wrote no {fmt} output", file=sys.stderr)
        return 4
    sys.stdout.buffer.write(result["data"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
