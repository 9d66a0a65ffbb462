"""Each lessonNN module starts with `WRONG, wrong = registry()`: `@wrong(n)` files a mistake
under exercise n in that module's WRONG. (The grader tests paste this source in place of the
import, so a module still runs on its own inside the grading sandbox.)"""


def registry():
    found = {}

    def wrong(number):
        def register(fn):
            found.setdefault(number, []).append(fn)
            return fn
        return register

    return found, wrong
