#!/usr/bin/env python3
"""End-to-end test of the Neurite Playground in a real browser (headless Chromium through Selenium).

Loads the page served by a running `neurite-playground`, chooses a task through the page's own
controls, presses play, waits, and asserts what the page shows: the test loss fell to at most
half of its first shown value, the test accuracy reached a floor (90% by default; classification
only), the main view's canvas is not blank (its pixels vary), and the page logged no error.
Saves a screenshot. Exits 0 on success, 1 on a failed check.

    python3 scripts/test_playground_browser.py --url http://127.0.0.1:8080 --screenshot out/spiral.png

Scenarios: `spiral` (the CI test: ReLU on the two-arm spiral), `function` (sin x, drawn over twice
its training range), `mnist` (first-layer weights and the confusion matrix).
Needs: selenium (PyPI), Debian's chromium and chromium-driver.
"""
import argparse
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

# Each scenario: the controls to set, the hidden layers, and the canvas that must not be blank.
# The spiral's network and learning rate solve it in a few thousand Adam steps (well under a
# minute of the server's time even in a debug build); x and y are the only inputs.
SCENARIOS = {
    "spiral": dict(selects={"dataset": "spiral", "activation": "relu", "optimizer": "adam",
                            "learning-rate": "0.01", "initializer": "he"},
                   numbers={"batch-size": "20"}, sliders={"noise": "0"},
                   hidden=[16, 16, 16], canvas="regions"),
    "function": dict(selects={"dataset": "function", "function": "sin", "activation": "tanh",
                              "optimizer": "adam", "learning-rate": "0.01"},
                     numbers={"batch-size": "20"},
                     hidden=[16, 16], canvas="curve"),
    "mnist": dict(selects={"dataset": "mnist", "activation": "relu"},
                  numbers={},
                  hidden=[32], canvas="mnist-weights"),
}

# Variance of a canvas's RGB values, read in the page (a blank or one-colour canvas gives 0).
CANVAS_VARIANCE = """
const canvas = document.getElementById(arguments[0]);
const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
let sum = 0, sumSquares = 0, n = 0;
for (let i = 0; i < data.length; i += 4) {
  for (let c = 0; c < 3; c++) { const v = data[i + c] * data[i + 3] / 255; sum += v; sumSquares += v * v; n++; }
}
const mean = sum / n;
return sumSquares / n - mean * mean;
"""

# The page's state once the server has answered the last `configure`: null while it has not.
CONFIGURED_STATE = """
const s = window.playground;
if (!s || !s.configured || !s.configured.config || !s.frame || s.frame.step !== 0) return null;
return {config: s.configured.config, layers: s.configured.layers, headReason: s.configured.headReason || ''};
"""


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="the running server")
    parser.add_argument("--screenshot", default="playground.png", help="where to save the PNG")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="spiral")
    parser.add_argument("--timeout", type=float, default=120, help="seconds of training allowed")
    parser.add_argument("--target", type=float, default=0.5,
                        help="stop once the test loss is at most this fraction of its first value")
    parser.add_argument("--min-accuracy", type=float, default=0.9,
                        help="classification: the test accuracy shown must also reach this fraction")
    parser.add_argument("--min-seconds", type=float, default=0,
                        help="train at least this long (for screenshots), even once the target is met")
    parser.add_argument("--window", default="1300,1240", help="browser window width,height (the screenshot)")
    parser.add_argument("--steps-first", type=int, default=0,
                        help="before play, train this many steps with the page's Step button at x1000 "
                             "(for screenshots of MNIST from a slow debug server)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    return parser.parse_args()


def start_browser(arguments):
    options = webdriver.ChromeOptions()
    options.binary_location = arguments.chromium
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--hide-scrollbars"]:
        options.add_argument(flag)
    options.add_argument(f"--window-size={arguments.window}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=arguments.chromedriver), options=options)


def wait_for(description, condition, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {description}")


def shown_test_accuracy(driver):
    """The test accuracy shown, as a fraction; None where the page shows none (regression)."""
    text = driver.find_element(By.ID, "test-accuracy").text.strip().rstrip("%")
    try:
        return float(text) / 100
    except ValueError:
        return None


def shown_test_loss(driver):
    text = driver.find_element(By.ID, "test-loss").text.strip()
    try:
        return float(text)
    except ValueError:
        return None   # "–" before the first frame, "diverged" after a blow-up


def click(driver, element_id):
    """Clicks a button the page may be redrawing (the layer buttons are rebuilt on every answer)."""
    for _ in range(20):
        try:
            driver.find_element(By.ID, element_id).click()
            return
        except StaleElementReferenceException:
            time.sleep(0.05)
    raise AssertionError(f"#{element_id} kept being replaced")


def set_hidden_layers(driver, wanted):
    """Reaches `wanted` (units per hidden layer) by pressing the page's layer and unit buttons."""
    def hidden():
        return driver.execute_script("return window.playground.hidden.slice()")
    while len(hidden()) > len(wanted):
        click(driver, "remove-layer")
    while len(hidden()) < len(wanted):
        click(driver, "add-layer")
    for index, units in enumerate(wanted):
        while hidden()[index] != units:
            sign = "plus" if hidden()[index] < units else "minus"
            click(driver, f"units-{sign}-{index}")


# A slider moved the way a person's drag ends: its value, then `input` and `change` events.
MOVE_SLIDER = """
const slider = document.getElementById(arguments[0]);
slider.value = arguments[1];
slider.dispatchEvent(new Event('input'));
slider.dispatchEvent(new Event('change'));
"""


def choose(driver, scenario):
    for element_id, value in scenario["selects"].items():
        Select(driver.find_element(By.ID, element_id)).select_by_value(value)
    for element_id, value in scenario["numbers"].items():
        if value is None:
            continue
        field = driver.find_element(By.ID, element_id)
        field.clear()
        field.send_keys(value + "\t")   # the tab commits the value: a `change` event, as a person's would
    for element_id, value in scenario.get("sliders", {}).items():
        driver.execute_script(MOVE_SLIDER, element_id, value)
    set_hidden_layers(driver, scenario["hidden"])


def run(driver, arguments):
    scenario = SCENARIOS[arguments.scenario]
    driver.get(arguments.url)
    wait_for("the first frame", lambda: shown_test_loss(driver) is not None, 30)
    choose(driver, scenario)
    expected = {key: value for key, value in scenario["selects"].items() if key in ("dataset", "activation")}

    def configured():
        state = driver.execute_script(CONFIGURED_STATE)
        if not state:
            return None
        config = state["config"]
        matches = all(config.get(key) == value for key, value in expected.items())
        return state if matches and config.get("hidden") == scenario["hidden"] else None
    # Generous: MNIST's first configure reads the whole data set (a minute in a debug build under load).
    state = wait_for("the server to confirm the configuration", configured, 600)
    first = wait_for("a test loss", lambda: shown_test_loss(driver), 10)
    print(f"configured: layers {state['layers']}, head reason: {state['headReason']!r}")
    print(f"first shown test loss: {first}")

    started = time.monotonic()
    if arguments.steps_first > 0:
        Select(driver.find_element(By.ID, "step-size")).select_by_value("1000")
        for _ in range(0, arguments.steps_first, 1000):
            before = int(driver.find_element(By.ID, "step-count").text)
            driver.find_element(By.ID, "step").click()
            wait_for("a step of 1000", lambda: int(driver.find_element(By.ID, "step-count").text) >= before + 1000, 600)
    driver.find_element(By.ID, "play").click()
    goal = first * arguments.target
    last = first
    while True:
        time.sleep(0.5)
        elapsed = time.monotonic() - started
        last = shown_test_loss(driver)
        accuracy = shown_test_accuracy(driver)
        accurate = accuracy is None or accuracy >= arguments.min_accuracy
        if last is not None and last <= goal and accurate and elapsed >= arguments.min_seconds:
            break
        if elapsed > arguments.timeout:
            break
    driver.find_element(By.ID, "pause").click()
    wait_for("the server's paused frame",
             lambda: driver.execute_script("return window.playground.frame.playing === false"), 60)
    time.sleep(0.5)   # the pause's own frame, drawn
    last = shown_test_loss(driver)
    step = driver.find_element(By.ID, "step-count").text
    accuracy = shown_test_accuracy(driver)
    variance = driver.execute_script(CANVAS_VARIANCE, scenario["canvas"])
    driver.save_screenshot(arguments.screenshot)
    print(f"after {elapsed:.1f} s and {step} steps: test loss {last} (first {first}), test accuracy {accuracy}")
    print(f"#{scenario['canvas']} pixel variance: {variance:.1f}")
    print(f"screenshot: {arguments.screenshot}")

    failures = []
    if last is None or last > first * 0.5:
        failures.append(f"the test loss shown went from {first} to {last}: it did not fall by half")
    if accuracy is not None and accuracy < arguments.min_accuracy:
        failures.append(f"the test accuracy shown is {accuracy:.3f}, under {arguments.min_accuracy}")
    if variance < 20:
        failures.append(f"#{scenario['canvas']} looks blank (pixel variance {variance:.1f})")
    errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    if errors:
        failures.append("the page logged errors: " + " | ".join(errors))
    return failures


def main():
    arguments = parse_arguments()
    driver = start_browser(arguments)
    try:
        failures = run(driver, arguments)
    finally:
        driver.quit()
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if not failures:
        print("PASS")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
