package io.stagecast.signaling.token;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InvitationLinksTest {

    @Test
    void linkPointsAtTheRoomWithTheToken() {
        assertEquals("https://stage.example/room/demo?token=aaa.bbb.ccc",
                InvitationLinks.url("https://stage.example", "demo", "aaa.bbb.ccc"));
    }

    @Test
    void trailingSlashOfBaseIsIgnored() {
        assertEquals("http://localhost:8080/room/demo?token=t",
                InvitationLinks.url("http://localhost:8080/", "demo", "t"));
    }

    @Test
    void roomAndTokenAreEncoded() {
        assertEquals("https://h/room/Town%20Hall%2F2%3F?token=a%2Bb%3D%26c",
                InvitationLinks.url("https://h", "Town Hall/2?", "a+b=&c"));
    }
}
