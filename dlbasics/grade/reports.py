"""What a grade becomes for people and platforms: feedback for the student, a gradebook for
the teacher, GitHub Classroom's `Points X/Y` line and Gradescope's results.json."""
import csv
import io
import json

ICON = {"passed": "\u2705", "failed": "\u274c", "missing": "\u2753", "timeout": "\u23f1", "crashed": "\U0001f4a5"}


def feedback_markdown(result: dict) -> str:
    lines = [f"# Feedback: {result['submission']}", ""]
    if result["status"] == "invalid":
        return "\n".join(lines + [f"This notebook could not be graded: {result['message']}", ""])
    lines += [f"Lesson {result['lesson']}: **{result['score']} / {result['max_score']} points**.", ""]
    if str(result.get("sandbox", "")).startswith("none"):
        lines += ["*Graded without a sandbox (--no-sandbox).*", ""]
    for ex in result["exercises"]:
        lines.append(f"## {ICON.get(ex['status'], '')} Exercise {ex['number']} ({ex['title']}): "
                     f"{ex['points']} / {ex['max_points']}")
        lines += ["", ex["message"].replace("\n", "  \n"), ""]
    lines.append("The grader ran your exercise cells on more and different inputs than the checks in the "
                 "notebook, so a check that passed there can fail here: read the case named above.")
    return "\n".join(lines) + "\n"


def gradebook_csv(results: list[dict]) -> str:
    numbers = sorted({(e["number"], e["title"]) for r in results for e in r.get("exercises", [])})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", "lesson", "status"] + [f"ex{n} {t}" for n, t in numbers] + ["total", "max", "sandbox"])
    for r in sorted(results, key=lambda r: r["submission"]):
        points = {e["number"]: e["points"] for e in r.get("exercises", [])}
        writer.writerow([r["submission"].removesuffix(".ipynb"), r.get("lesson") or "", r["status"]]
                        + [points.get(n, 0) for n, _ in numbers] + [r["score"], r["max_score"], r.get("sandbox", "")])
    return out.getvalue()


def gradescope_json(result: dict) -> str:
    tests = [{"name": f"Exercise {e['number']} ({e['title']})", "score": e["points"], "max_score": e["max_points"],
              "status": "passed" if e["status"] == "passed" else "failed", "output": e["message"]}
             for e in result.get("exercises", [])]
    body = {"score": result["score"], "tests": tests}
    if result["status"] == "invalid":
        body["output"] = result["message"]
    return json.dumps(body, indent=2)


def classroom_line(result: dict) -> str:
    return f"Points {result['score']}/{result['max_score']}"
