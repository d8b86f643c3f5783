package io.stagecast.signaling.e2e;

import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Q&A and the backchannel in the room web app, in real Chromium: an attendee asks, another
 * upvotes, the moderator answers; the moderator's backchannel never shows on an attendee's page.
 */
class QaAndBackchannelWebAppEndToEndTest {
    private static StagecastServer server;

    @BeforeAll
    static void startServer() throws Exception {
        assumeTrue(Chromium.available() || System.getenv("CI") != null, "Chromium not installed");
        server = TestServer.start(Map.of());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static String link(String room, String name, Role role, String query) {
        return TestServer.roomUrl(server, room, TestServer.token(server, room, name, role, false), query);
    }

    private static void openTab(RoomPage page, String panel) {
        page.click(".panel-tab[data-panel=" + panel + "]");
        page.visible("#panel-" + panel);
    }

    @Test
    void anAttendeeAsksAnotherUpvotesTheModeratorAnswersAndTheBackchannelStaysBackstage() throws Exception {
        String room = "web-qa";
        try (Chromium hostBrowser = new Chromium(); Chromium annBrowser = new Chromium(); Chromium bobBrowser = new Chromium()) {
            RoomPage host = new RoomPage(hostBrowser, "host", link(room, "Hana Host", Role.MODERATOR, "autojoin=1&autostart=1"));
            host.withText("#session-badge", "Live");
            RoomPage ann = new RoomPage(annBrowser, "ann", link(room, "Ann Attendee", Role.ATTENDEE, "autojoin=1"));
            RoomPage bob = new RoomPage(bobBrowser, "bob", link(room, "Bob Attendee", Role.ATTENDEE, "autojoin=1"));
            ann.visible("#screen-room");
            bob.visible("#screen-room");
            host.visible("#panel-tab-backstage");
            assertFalse(ann.shown("#panel-tab-backstage"), "attendees have no backstage tab");

            openTab(ann, "qa");
            ann.type("#qa-input", "Will the slides be shared?");
            ann.click("#qa-ask");
            ann.withText("#qa-list .question", "Will the slides be shared?");
            assertFalse(ann.visible("#qa-list .question .upvote").isEnabled(), "nobody upvotes their own question");

            openTab(bob, "qa");
            bob.withText("#qa-list .question", "Will the slides be shared?").findElement(By.cssSelector(".upvote")).click();
            bob.withText("#qa-list .upvote.on", "1");
            ann.withText("#qa-list .upvote", "1");

            openTab(host, "qa");
            host.withText("#qa-list .question", "Will the slides be shared?").findElement(By.cssSelector(".answer")).click();
            host.type("#qa-list .answer-input", "Yes, right after the talk");
            host.click("#qa-list .answer-send");
            ann.withText("#qa-list .question .answer", "Yes, right after the talk");
            bob.withText("#qa-list .question .answered-label", "Answered");
            ann.browser.screenshot("qa-answered");

            openTab(host, "backstage");
            host.type("#backstage-input", "Ann's question is a good one to close on");
            host.click("#backstage-send");
            host.withText("#backstage-list .message", "a good one to close on");
            host.browser.screenshot("backstage");
            // The chat message goes out after the backchannel's: once Ann has it, anything of the
            // backchannel sent to her would have arrived before.
            openTab(host, "chat");
            host.type("#chat-input", "Thanks for the question, Ann");
            host.click("#chat-send");
            ann.await("the chat message", d -> Boolean.TRUE.equals(ann.js(
                    "return stagecast.state.chat.some(m => m.text.startsWith('Thanks for the question'))")) ? true : null);
            assertEquals(0L, ann.js("return stagecast.state.backchannel.length"));
            assertFalse((Boolean) ann.js("return document.body.innerHTML.includes('a good one to close on')"),
                    "the backchannel appears nowhere on an attendee's page");
            assertTrue((Boolean) host.js("return document.body.innerHTML.includes('a good one to close on')"));
        }
    }
}
