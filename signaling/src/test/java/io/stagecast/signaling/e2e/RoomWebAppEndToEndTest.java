package io.stagecast.signaling.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecast.signaling.StagecastServer;
import io.stagecast.signaling.testutil.JsonWebSocketClient;
import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The room web app in real Chromium, used like people use it: device check, entering, asking to
 * join the stage, approving, inviting, removing, chat, reactions, hands, polls and quizzes, and a
 * phone. Screenshots of the main screens go to target/screenshots.
 */
class RoomWebAppEndToEndTest {
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

    @Test
    void attendeeAsksModeratorApprovesEveryViewerSeesTheTileThenTheModeratorRemovesThem() throws Exception {
        String room = "web-request";
        try (Chromium hostBrowser = new Chromium(); Chromium annBrowser = new Chromium(); Chromium bobBrowser = new Chromium()) {
            RoomPage host = new RoomPage(hostBrowser, "host", link(room, "Hana Host", Role.MODERATOR, ""));
            host.visible("#join-stage");
            host.click("#join-viewer");
            host.visible("#lobby-banner");
            host.browser.screenshot("moderator-before-start");
            host.click("#lobby-start");
            host.withText("#session-badge", "Live");

            RoomPage ann = new RoomPage(annBrowser, "ann", link(room, "Ann Attendee", Role.ATTENDEE, ""));
            ann.visible("#screen-setup");
            ann.await("the camera preview", d -> ((Number) ann.js("return document.querySelector('.preview').videoWidth")).intValue() > 0 ? true : null);
            assertTrue(((Number) ann.js("return document.querySelectorAll('#camera-select option').length")).intValue() > 0, "cameras listed");
            assertTrue(((Number) ann.js("return document.querySelectorAll('#microphone-select option').length")).intValue() > 0, "microphones listed");
            ann.await("the microphone level meter to move", d -> ann.js("return document.querySelector('.meter-fill').style.width").toString().matches("[1-9]\\d*%") ? true : null);
            ann.browser.screenshot("device-check");
            ann.click("#join-viewer");
            ann.visible("#screen-room");
            ann.withText(".stage-empty", "Nobody is on stage");
            ann.browser.screenshot("viewer-empty-stage");

            RoomPage bob = new RoomPage(bobBrowser, "bob", link(room, "Bob Viewer", Role.ATTENDEE, ""));
            bob.click("#join-viewer");
            bob.visible("#screen-room");

            ann.click("#ask-stage");
            ann.visible("#cancel-request");
            host.visible("#notices button[data-action=approve]");
            host.openPanel("participants");
            host.withText(".row[data-group=requests]", "Ann Attendee");
            host.browser.screenshot("moderator-stage-request");
            host.click("#notices button[data-action=approve]");

            ann.withText("#invitation", "Your request was approved");
            ann.click("#invitation button[data-action=accept]");
            ann.withText("#ready-dialog", "Get ready to join the stage");
            ann.browser.screenshot("get-ready-to-join-stage");
            ann.click("#ready-go");
            ann.visible("#mic-toggle");
            assertFalse(ann.shown("#leave-stage"), "an attendee on stage has no leave button");

            awaitTilePlaying(bob, "Ann Attendee");
            awaitTilePlaying(host, "Ann Attendee");
            bob.visible(".tile .mic[data-icon=mic]");
            bob.browser.screenshot("viewer-watching-stage");
            ann.browser.screenshot("attendee-on-stage");

            host.withText(".row[data-group=stage]", "Ann Attendee").findElement(By.cssSelector(".more-button")).click();
            host.browser.screenshot("moderator-person-menu");
            host.clickText("#person-menu .menu-item", "Remove from stage");
            ann.withText("#moved", "moved you back to the audience");
            ann.visible("#ask-stage");
            assertFalse(ann.shown("#mic-toggle"), "a viewer has no microphone toggle");
            bob.withText(".stage-empty", "Nobody is on stage");
            assertEquals(0L, bob.js("return document.querySelectorAll('.tile').length"), "the removed person's tile is gone");
        }
    }

    @Test
    void invitationIsDeclinedThenAcceptedAndAnOpenStageIsJoinedDirectly() throws Exception {
        String room = "web-invite";
        try (Chromium hostBrowser = new Chromium(); Chromium carlBrowser = new Chromium(); Chromium danaBrowser = new Chromium()) {
            RoomPage host = new RoomPage(hostBrowser, "host", link(room, "Hana Host", Role.MODERATOR, "autojoin=1&autostart=1"));
            host.withText("#session-badge", "Live");
            RoomPage carl = new RoomPage(carlBrowser, "carl", link(room, "Carl", Role.ATTENDEE, "autojoin=1"));
            RoomPage dana = new RoomPage(danaBrowser, "dana", link(room, "Dana", Role.ATTENDEE, "autojoin=1"));
            carl.visible("#screen-room");
            dana.visible("#screen-room");
            assertFalse(dana.shown("#join-stage-button"), "join by request: no direct join for attendees");

            host.openPanel("participants");
            invite(host, "Carl");
            carl.withText("#invitation", "invites you to the stage");
            carl.browser.screenshot("invitation");
            carl.click("#invitation button[data-action=decline]");
            host.withText(".toast", "Carl declined the invitation");

            invite(host, "Carl");
            carl.click("#invitation button[data-action=accept]");
            carl.click("#ready-go");
            carl.visible("#mic-toggle");
            host.withText(".toast", "Carl accepted");
            awaitTilePlaying(dana, "Carl");

            host.openPanel("room");
            host.select("#access-mode", "open");
            dana.withText(".toast", "Everyone can join the stage now");
            dana.click("#join-stage-button");
            dana.click("#ready-go");
            dana.visible("#mic-toggle");
            awaitTilePlaying(host, "Dana");
            awaitTilePlaying(host, "Carl");
            host.browser.screenshot("stage-two-people-moderator-room-panel");

            host.click("button[data-invite=speaker]");
            host.await("the speaker link", d -> String.valueOf(host.js("return document.querySelector('.link-out').value"))
                    .contains("/room/" + room + "?token=") ? true : null);
        }
    }

    @Test
    void chatReactionsHandAPollAndAQuizAnsweredByTwoViewers() throws Exception {
        String room = "web-audience";
        try (Chromium hostBrowser = new Chromium(); Chromium eveBrowser = new Chromium(); Chromium finnBrowser = new Chromium()) {
            RoomPage host = new RoomPage(hostBrowser, "host", link(room, "Hana Host", Role.MODERATOR, "autojoin=1&autostart=1"));
            host.withText("#session-badge", "Live");
            RoomPage eve = new RoomPage(eveBrowser, "eve", link(room, "Eve", Role.ATTENDEE, "autojoin=1"));
            RoomPage finn = new RoomPage(finnBrowser, "finn", link(room, "Finn", Role.ATTENDEE, "autojoin=1"));

            eve.openPanel("chat");
            eve.type("#chat-input", "Hello from Eve");
            eve.click("#chat-send");
            finn.withText("#chat-button .badge", "1");
            finn.openPanel("chat");
            finn.withText(".message", "Hello from Eve").findElement(By.cssSelector(".reply")).click();
            finn.type("#chat-input", "Hi Eve");
            finn.click("#chat-send");
            eve.withText(".message", "↪ Eve: Hello from Eve");
            finn.withText(".message", "Hello from Eve").findElement(By.cssSelector(".like")).click();
            eve.withText(".message .like", "Like · 1");
            eve.browser.screenshot("chat");
            eve.withText(".message.mine", "Hello from Eve").findElement(By.cssSelector(".delete")).click();
            finn.await("Eve's deleted message to go", d -> ((Number) finn.js(
                    "return [...document.querySelectorAll('.message .text')].filter(t => t.textContent === 'Hello from Eve').length")).intValue() == 0 ? true : null);

            eve.click("#hand-toggle");
            host.openPanel("participants");
            host.withText(".row[data-group=hands]", "Eve");
            host.withText(".group-header[data-group=hands]", "1");
            host.browser.screenshot("moderator-raised-hands");

            finn.click("#reactions-button");
            finn.click("#reaction-picker .emoji");
            host.withText(".floating", "👍");
            host.withText(".floating", "Finn");

            // A poll: both viewers pick the second option.
            host.openPanel("polls");
            createPoll(host, "Best day for the next session?", List.of("Monday", "Friday"), -1);
            for (RoomPage viewer : List.of(eve, finn)) {
                viewer.openPanel("polls");
                viewer.click(".poll-card[data-status=open] button.poll-option[data-option='1']");
                viewer.withText(".poll-card .hint", "your answer is in");
            }
            host.withText(".poll-card[data-status=open] .poll-option[data-option='1'] .bar-text", "2 · 100%");
            host.click(".poll-card[data-status=open] .close-poll");
            for (RoomPage viewer : List.of(eve, finn)) {
                viewer.withText(".poll-card[data-status=closed] .poll-option[data-option='1'] .bar-text", "2 · 100%");
                viewer.withText(".poll-card[data-status=closed] .poll-option[data-option='0'] .bar-text", "0 · 0%");
            }

            // A quiz: Eve answers right, Finn wrong.
            createPoll(host, "2 + 2 = ?", List.of("3", "4"), 1);
            eve.click(".poll-card[data-status=open] button.poll-option[data-option='1']");
            finn.click(".poll-card[data-status=open] button.poll-option[data-option='0']");
            host.withText(".poll-card[data-status=open] .hint", "2 answers");
            host.click(".poll-card[data-status=open] .close-poll");
            eve.withText(".quiz-result.right", "You got it right");
            finn.withText(".quiz-result.wrong", "Not quite");
            finn.withText(".poll-card[data-status=closed] .poll-option.correct", "4");
            eve.browser.screenshot("quiz-result");
            host.browser.screenshot("moderator-polls");

            participantsPanelStaysSmallWithAThousandViewers(finn);

            host.openPanel("room");
            host.click("#end-session");
            host.browser.driver().switchTo().alert().accept();
            eve.withText("#message-title", "This session has ended");
            eve.browser.screenshot("session-ended");
        }
    }

    @Test
    void phoneEntersAsViewerWatchesTheStageAndReconnectsAfterALostConnection() throws Exception {
        String room = "web-phone";
        try (Chromium hostBrowser = new Chromium(); Chromium phoneBrowser = Chromium.phone()) {
            RoomPage host = new RoomPage(hostBrowser, "host", link(room, "Hana Host", Role.MODERATOR, "autopublish=1&autostart=1"));
            host.withText("#session-badge", "Live");
            RoomPage phone = new RoomPage(phoneBrowser, "phone", link(room, "Pia Phone", Role.ATTENDEE, ""));
            phone.visible("#join-viewer");
            assertFalse(phone.shown("#join-stage"), "a phone enters as a viewer");
            phone.withText("#join-stage-hint", "On a phone you join as a viewer");
            phone.browser.screenshot("phone-device-check");
            phone.click("#join-viewer");
            awaitTilePlaying(phone, "Hana Host");
            assertTrue((Boolean) phone.js("return document.documentElement.scrollWidth <= innerWidth"), "nothing sticks out sideways");
            phone.visible("#hand-toggle");
            phone.browser.screenshot("phone-watching-stage");
            phone.openPanel("chat");
            phone.browser.screenshot("phone-chat");
            phone.click("#panel-close");

            phone.js("window.stagecast.dropConnection()");
            phone.withText("#connection", "Reconnecting");
            phone.withText(".toast", "Reconnected");
            phone.gone("#connection");
            awaitTilePlaying(phone, "Hana Host");
        }
    }

    /**
     * Someone who enters a room that is already going sees it at once, from the join snapshot
     * alone: the chat history, everyone in the People panel (as many rows as the button counts),
     * the raised hand, who is on stage, and the open poll. Nothing happens in the room after they
     * enter, so no later event can draw it for them. The room is made by WebSocket clients; only
     * the newcomer has a browser.
     */
    @Test
    void aNewcomerSeesChatPeopleHandsAndPollsFromTheSnapshotAlone() throws Exception {
        String room = "web-snapshot";
        List<JsonWebSocketClient> clients = new ArrayList<>();
        try (Chromium kimBrowser = new Chromium()) {
            JsonWebSocketClient host = joined(clients, room, "Hana Host", Role.MODERATOR, true);
            ok(host.request("session.start"));
            JsonWebSocketClient ivy = joined(clients, room, "Ivy Viewer", Role.ATTENDEE, false);
            JsonWebSocketClient jon = joined(clients, room, "Jon Viewer", Role.ATTENDEE, false);
            ok(ivy.request("hand.raise"));
            ok(host.request("chat.send", "text", "Welcome, everyone"));
            ok(jon.request("chat.send", "text", "Hi from Jon"));
            JsonNode created = ok(host.request("poll.create", "question", "Coffee or tea?", "options", List.of("Coffee", "Tea")));
            String pollId = created.path("data").path("poll").path("id").asText(null);
            if (pollId == null) {
                pollId = host.awaitEvent("poll.created", 5_000).path("poll").path("id").asText();
            }
            ok(host.request("poll.open", "pollId", pollId));

            RoomPage kim = new RoomPage(kimBrowser, "kim", link(room, "Kim Newcomer", Role.ATTENDEE, "autojoin=1"));
            kim.visible("#screen-room");
            kim.withText("#participants-button", "People 4");

            kim.openPanel("participants");
            kim.withText(".row[data-group=stage]", "Hana Host");
            kim.withText(".row[data-group=hands]", "Ivy Viewer");
            kim.withText(".row[data-group=viewers]", "Jon Viewer");
            kim.withText(".row[data-group=viewers]", "Kim Newcomer");
            kim.withText(".group-header[data-group=viewers]", "2");
            long rows = (Long) kim.js("return document.querySelectorAll('.list-viewport .row.person:not([hidden])').length");
            assertEquals(4L, rows, "as many rows as the People button counts");
            kim.browser.screenshot("newcomer-people");

            kim.openPanel("chat");
            kim.withText(".message", "Welcome, everyone");
            kim.withText(".message", "Hi from Jon");
            assertFalse(kim.shown("#chat-button .badge"), "history is not unread");

            kim.openPanel("polls");
            kim.withText(".poll-card[data-status=open]", "Coffee or tea?");
            kim.visible(".poll-card[data-status=open] button.poll-option[data-option='1']");
            kim.browser.screenshot("newcomer-open-poll");
        } finally {
            clients.forEach(JsonWebSocketClient::close);
        }
    }

    private static JsonWebSocketClient joined(List<JsonWebSocketClient> clients, String room, String name, Role role,
                                              boolean onStage) throws Exception {
        JsonWebSocketClient ws = JsonWebSocketClient.connect(server.baseUrl());
        clients.add(ws);
        ok(ws.request("join", "room", room, "token", TestServer.token(server, room, name, role, false), "stage", onStage));
        return ws;
    }

    private static JsonNode ok(JsonNode response) {
        assertTrue(response.path("ok").asBoolean(), "refused: " + response);
        return response;
    }

    private static void invite(RoomPage host, String name) {
        host.withText(".row[data-group=viewers]", name).findElement(By.cssSelector(".more-button")).click();
        host.clickText("#person-menu .menu-item", "Invite to stage");
    }

    /** Creates and opens a poll through the form; {@code correct} >= 0 makes it a quiz. */
    private static void createPoll(RoomPage host, String question, List<String> options, int correct) {
        host.type("#poll-question", question);
        var rows = host.browser.driver().findElements(By.cssSelector(".poll-option-edit"));
        for (int i = 0; i < options.size(); i++) {
            rows.get(i).findElement(By.cssSelector(".option-text")).sendKeys(options.get(i));
            if (i == correct) {
                rows.get(i).findElement(By.cssSelector(".correct")).click();
            }
        }
        host.click("#poll-create");
        host.withText(".poll-card[data-status=draft]", question).findElement(By.cssSelector(".open-poll")).click();
        host.withText(".poll-card[data-status=open]", question);
    }

    /** 1,000 people in the list: only the rows in view exist, and search finds one at once. */
    private static void participantsPanelStaysSmallWithAThousandViewers(RoomPage page) {
        page.openPanel("participants");
        Object millis = page.browser.asyncScript("const done = arguments[arguments.length - 1];"
                + "const state = window.stagecast.state; const t0 = performance.now();"
                + "for (let i = 0; i < 1000; i++) state.upsert({id: 'load-' + i, name: 'Load viewer ' + i, role: 'attendee',"
                + "  place: 'viewer', microphoneOn: false, cameraOn: false, hand: null, stageRequested: false, connected: true});"
                + "requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));");
        System.out.println("web app: 1,000 joins drawn in " + millis + " ms");
        assertTrue(((Number) millis).doubleValue() < 1500, "1,000 joins drawn in " + millis + " ms");
        page.withText(".group-header[data-group=viewers]", "100");
        long rows = (Long) page.js("return document.querySelectorAll('.list-viewport .row:not([hidden])').length");
        assertTrue(rows < 80, "only the visible rows exist, not " + rows);
        page.type("#participant-search", "viewer 999");
        page.withText(".row.person", "Load viewer 999");
        page.await("the search to narrow the list", d -> ((Number) page.js(
                "return document.querySelectorAll('.list-viewport .row.person:not([hidden])').length")).intValue() == 1 ? true : null);
        page.browser.screenshot("participants-search");
    }

    /** The tile of {@code name} has a real picture: decoded size, shown size, and frames advancing. */
    private static void awaitTilePlaying(RoomPage page, String name) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        Map<String, Object> last = Map.of();
        while (System.nanoTime() < deadline) {
            last = page.tilePlayback(name);
            if (Boolean.TRUE.equals(last.get("found"))
                    && number(last, "width") > 0 && number(last, "height") > 0
                    && number(last, "shownWidth") > 0 && number(last, "shownHeight") > 0
                    && !Boolean.TRUE.equals(last.get("videoOff"))
                    && number(last, "frames") >= 5 && number(last, "advanced") > 0) {
                return;
            }
            Thread.sleep(200);
        }
        page.browser.screenshot("failed-tile-" + page.who);
        fail(page.who + ": the stage tile of " + name + " shows no playing video: " + last + "\nconsole:\n" + page.browser.consoleLog());
    }

    private static double number(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value instanceof Number n ? n.doubleValue() : 0;
    }
}
