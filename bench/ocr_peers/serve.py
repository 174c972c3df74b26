"""What every peer runner shares, under the peer's own interpreter (imported as a sibling module; docpipe's tests
import it too): its boxes made into page text the same way for every peer, and the stdin/stdout loop."""
import json
import sys
import time


def page_text(boxes) -> str:
    """``(box, text)`` pairs (box: four corner points, already top to bottom, then left to right) grouped into rows
    where their vertical centres fall within half a box height of the row's first box; a row's boxes joined by a
    space, left to right, rows by a newline."""
    rows: list[list[tuple[float, float, float, str]]] = []
    for box, text in boxes or []:
        ys = [p[1] for p in box]
        centre, height, x = (min(ys) + max(ys)) / 2, max(ys) - min(ys), min(p[0] for p in box)
        if rows and abs(centre - rows[-1][0][0]) <= rows[-1][0][1] / 2:
            rows[-1].append((centre, height, x, text))
        else:
            rows.append([(centre, height, x, text)])
    return "\n".join(" ".join(t for *_, t in sorted(row, key=lambda b: b[2])) for row in rows)


def serve(read) -> None:
    """One image path per line on stdin, one JSON line per image on stdout: the text of ``read(path)``'s boxes and
    the CPU and wall seconds it took. A page the peer cannot read scores as empty; the run goes on."""
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        cpu0, wall0 = time.process_time(), time.perf_counter()
        try:
            out = {"text": page_text(read(path))}
        except Exception as exc:  # noqa: BLE001 -- recorded with the page
            out = {"text": "", "error": f"{type(exc).__name__}: {exc}"[:300]}
        out.update(cpu_s=time.process_time() - cpu0, wall_s=time.perf_counter() - wall0)
        print(json.dumps(out, ensure_ascii=False), flush=True)
