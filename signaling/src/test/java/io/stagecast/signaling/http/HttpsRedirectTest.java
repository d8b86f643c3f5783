package io.stagecast.signaling.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HttpsRedirectTest {
    @Test
    void theHostHeaderLosesItsPortNotItsBrackets() {
        assertEquals("stage.example.org", HttpsRedirect.hostOnly("stage.example.org:80"));
        assertEquals("stage.example.org", HttpsRedirect.hostOnly("stage.example.org"));
        assertEquals("[2001:db8::1]", HttpsRedirect.hostOnly("[2001:db8::1]:80"));
        assertEquals("192.0.2.7", HttpsRedirect.hostOnly(" 192.0.2.7:8080 "));
    }
}
