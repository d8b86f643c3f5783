package io.stagecast.signaling.e2e;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The room web app as a person uses it: find what is on screen, click, type, wait for the page to
 * show something. Failures carry the page's console so a red test says why.
 */
final class RoomPage {
    private static final Duration WAIT = Duration.ofSeconds(15);

    final Chromium browser;
    final String who;

    RoomPage(Chromium browser, String who, String url) {
        this.browser = browser;
        this.who = who;
        browser.open(url);
    }

    /** Waits until an element matching {@code css} is displayed, and returns it. */
    WebElement visible(String css) {
        return await("'" + css + "' to be shown", d -> {
            for (WebElement e : d.findElements(By.cssSelector(css))) {
                if (e.isDisplayed()) {
                    return e;
                }
            }
            return null;
        });
    }

    /** Waits until a displayed element matching {@code css} contains {@code text}. */
    WebElement withText(String css, String text) {
        return await("'" + css + "' with text '" + text + "'", d -> {
            for (WebElement e : d.findElements(By.cssSelector(css))) {
                if (e.isDisplayed() && e.getText().contains(text)) {
                    return e;
                }
            }
            return null;
        });
    }

    void gone(String css) {
        await("'" + css + "' to disappear", d -> d.findElements(By.cssSelector(css)).stream().noneMatch(WebElement::isDisplayed) ? true : null);
    }

    boolean shown(String css) {
        return browser.driver().findElements(By.cssSelector(css)).stream().anyMatch(WebElement::isDisplayed);
    }

    void click(String css) {
        visible(css).click();
    }

    void clickText(String css, String text) {
        withText(css, text).click();
    }

    void type(String css, String text) {
        WebElement input = visible(css);
        input.clear();
        input.sendKeys(text);
    }

    void select(String css, String value) {
        new Select(visible(css)).selectByValue(value);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser.driver()).executeScript(script, args);
    }

    /** The toolbar or a panel opened; the side panel stays as it is if it already shows {@code panel}. */
    void openPanel(String panel) {
        Object active = js("const t = document.querySelector('.panel-tab.active'); return t && !document.getElementById('side-panel').hidden ? t.dataset.panel : null;");
        if (!panel.equals(active)) {
            click("#" + (panel.equals("participants") ? "participants" : panel) + "-button");
        }
        visible("#panel-" + panel);
    }

    /** Frames the tile of {@code name} shows: size and frames counted over about one second. */
    @SuppressWarnings("unchecked")
    Map<String, Object> tilePlayback(String name) {
        Object result = browser.asyncScript("const [name, done] = arguments;"
                + "const tile = [...document.querySelectorAll('.tile')].find(t => t.querySelector('.name').textContent.startsWith(name));"
                + "const v = tile && tile.querySelector('video');"
                + "if (!v) { done({found: false}); return; }"
                + "const box = v.getBoundingClientRect(); const start = v.currentTime; let frames = 0;"
                + "const finish = () => done({found: true, width: v.videoWidth, height: v.videoHeight, shownWidth: box.width,"
                + "  shownHeight: box.height, videoOff: tile.classList.contains('video-off'), frames, advanced: v.currentTime - start});"
                + "const count = () => { frames++; if (frames < 15) v.requestVideoFrameCallback(count); else finish(); };"
                + "v.requestVideoFrameCallback(count); setTimeout(finish, 1500);", name);
        return (Map<String, Object>) result;
    }

    <T> T await(String what, Function<org.openqa.selenium.WebDriver, T> condition) {
        try {
            return new WebDriverWait(browser.driver(), WAIT, Duration.ofMillis(100)).until(condition::apply);
        } catch (RuntimeException e) {
            browser.screenshot("failed-" + who);
            fail(who + ": timed out waiting for " + what + "\nconsole:\n" + browser.consoleLog()
                    + "\ntoasts: " + js("return [...document.querySelectorAll('.toast, .notice')].map(t => t.textContent).join(' | ')"));
            return null;
        }
    }
}
