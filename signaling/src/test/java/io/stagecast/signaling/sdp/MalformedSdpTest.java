package io.stagecast.signaling.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MalformedSdpTest {

    private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private static final String AUDIO = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n";

    private static SdpParseException rejected(String sdp) {
        return assertThrows(SdpParseException.class, () -> SessionDescription.parse(sdp));
    }

    private static void assertRejected(String sdp, int line, String reasonPart) {
        SdpParseException e = rejected(sdp);
        assertEquals(line, e.lineNumber(), e.getMessage());
        assertTrue(e.reason().contains(reasonPart), "'" + e.getMessage() + "' should mention '" + reasonPart + "'");
    }

    @Test
    void validBaseIsAccepted() throws Exception {
        assertEquals(1, SessionDescription.parse(HEAD + AUDIO).getMedia().size());
    }

    @Test
    void emptyAndNullInputAreRejected() {
        assertRejected("", 0, "empty");
        assertRejected("\r\n\r\n", 0, "empty");
        assertRejected(null, 0, "empty");
    }

    @Test
    void missingVersionLineIsRejected() {
        assertRejected("o=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + AUDIO, 1, "v=");
        assertRejected("v=1\r\n" + HEAD.substring(5) + AUDIO, 1, "version");
    }

    @Test
    void missingOriginOrSessionNameIsRejected() {
        assertRejected("v=0\r\ns=-\r\nt=0 0\r\n" + AUDIO, 2, "o=");
        assertRejected("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nt=0 0\r\n" + AUDIO, 3, "s=");
        assertRejected("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n", 0, "ends before its s= line");
    }

    @Test
    void badOriginNumbersAreRejected() {
        assertRejected(HEAD.replace("o=- 1 1", "o=- x1 1") + AUDIO, 2, "session id");
        assertRejected(HEAD.replace("o=- 1 1", "o=- 1 -1") + AUDIO, 2, "session version");
        assertRejected(HEAD.replace("o=- 1 1 IN IP4 127.0.0.1", "o=- 1 1 IN") + AUDIO, 2, "o= needs");
    }

    @Test
    void missingTimingOrMediaIsRejected() {
        assertRejected(HEAD.replace("t=0 0\r\n", "") + AUDIO, 0, "t=");
        assertRejected(HEAD, 0, "no m= section");
        assertRejected(HEAD.replace("t=0 0", "t=zero 0") + AUDIO, 4, "t=");
    }

    @Test
    void mediaLineWithBadPortIsRejected() {
        assertRejected(HEAD + AUDIO.replace(" 9 ", " 70000 "), 5, "port");
        assertRejected(HEAD + AUDIO.replace(" 9 ", " -9 "), 5, "port");
        assertRejected(HEAD + AUDIO.replace(" 9 ", " 9/2 "), 5, "port");
        assertRejected(HEAD + "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", 5, "m= needs");
    }

    @Test
    void nonNumericPayloadTypeIsRejected() {
        assertRejected(HEAD + AUDIO.replace("SAVPF 111", "SAVPF opus"), 5, "payload type");
        assertRejected(HEAD + AUDIO.replace("SAVPF 111", "SAVPF 128"), 5, "payload type");
        assertRejected(HEAD + AUDIO.replace("rtpmap:111", "rtpmap:x"), 7, "payload type");
        assertRejected(HEAD + AUDIO + "a=fmtp:1x1 minptime=10\r\n", 8, "payload type");
        assertRejected(HEAD + AUDIO + "a=rtcp-fb:-1 nack\r\n", 8, "payload type");
    }

    @Test
    void badCodecDetailsAreRejected() {
        assertRejected(HEAD + AUDIO.replace("opus/48000/2", "opus/fast/2"), 7, "clock rate");
        assertRejected(HEAD + AUDIO.replace("opus/48000/2", "opus"), 7, "rtpmap");
        assertRejected(HEAD + AUDIO.replace("opus/48000/2", "opus/48000/0"), 7, "channels");
        assertRejected(HEAD + AUDIO + "a=rtpmap:111 opus/48000/2\r\n", 8, "second a=rtpmap");
        assertRejected(HEAD + AUDIO + "a=fmtp:111 a=1\r\na=fmtp:111 b=2\r\n", 9, "second a=fmtp");
    }

    @Test
    void garbageLinesAreRejected() {
        assertRejected(HEAD + AUDIO + "hello world\r\n", 8, "<letter>=<value>");
        assertRejected(HEAD + AUDIO + "A=foo\r\n", 8, "<letter>=<value>");
        assertRejected(HEAD + AUDIO + "a=\r\n", 8, "attribute name");
        assertRejected(HEAD + AUDIO + "a=mid:1\u0000\r\n", 8, "control character");
        assertRejected(HEAD + AUDIO + "x=unknown\r\n", 8, "not allowed");
        assertRejected(HEAD + AUDIO + "o=- 1 1 IN IP4 127.0.0.1\r\n", 8, "not allowed");
    }

    @Test
    void badAttributeValuesAreRejected() {
        assertRejected(HEAD + AUDIO + "a=setup:sometimes\r\n", 8, "setup");
        assertRejected(HEAD + AUDIO + "a=extmap:0 urn:x\r\n", 8, "extmap id");
        assertRejected(HEAD + AUDIO + "a=extmap:300 urn:x\r\n", 8, "extmap id");
        assertRejected(HEAD + AUDIO + "a=extmap:1/sideways urn:x\r\n", 8, "direction");
        assertRejected(HEAD + AUDIO + "a=extmap:1 urn:x\r\na=extmap:1 urn:y\r\n", 9, "twice");
        assertRejected(HEAD + AUDIO + "a=ssrc:4294967296 cname:x\r\n", 8, "SSRC");
        assertRejected(HEAD + AUDIO + "a=ssrc:12 \r\n", 8, "fields");
        assertRejected(HEAD + AUDIO + "a=ssrc-group:FID 1 two\r\n", 8, "SSRC");
        assertRejected(HEAD + AUDIO + "a=rid:q sideways\r\n", 8, "send or recv");
        assertRejected(HEAD + AUDIO + "a=rid:q! send\r\n", 8, "rid id");
        assertRejected(HEAD + AUDIO + "a=rid:q send pt=abc\r\n", 8, "payload type");
        assertRejected(HEAD + AUDIO + "a=simulcast:send q;;f\r\n", 8, "rid id");
        assertRejected(HEAD + AUDIO + "a=simulcast:send q send h\r\n", 8, "once each");
        assertRejected(HEAD + AUDIO + "a=candidate:1 1 udp 1 127.0.0.1 99999 typ host\r\n", 8, "candidate port");
        assertRejected(HEAD + AUDIO + "a=candidate:1 1 udp 1 127.0.0.1 5000 host\r\n", 8, "typ");
        assertRejected(HEAD + AUDIO + "a=rtcp:port IN IP4 0.0.0.0\r\n", 8, "a=rtcp port");
        assertRejected(HEAD + AUDIO + "a=ice-ufrag:\r\n", 8, "needs a value");
        assertRejected(HEAD + AUDIO + "a=fingerprint:sha-256\r\n", 8, "fields");
        assertRejected(HEAD + "c=IN IP4\r\n" + AUDIO, 5, "c= needs");
        assertRejected(HEAD + "b=AS:many\r\n" + AUDIO, 5, "b= needs");
    }

    @Test
    void duplicatedSingletonsAreRejected() {
        assertRejected(HEAD + AUDIO + "a=mid:1\r\n", 8, "more than one a=mid");
        assertRejected(HEAD + AUDIO + AUDIO.replace("rtpmap", "fmtp"), 9, "two m-sections");
        assertRejected(HEAD + AUDIO + "a=sendonly\r\na=recvonly\r\n", 9, "direction");
        assertRejected(HEAD + AUDIO + "a=ice-pwd:a\r\na=ice-pwd:b\r\n", 9, "ice-pwd");
        assertRejected(HEAD + AUDIO + "a=setup:active\r\na=setup:active\r\n", 9, "setup");
        assertRejected(HEAD + "t=0 0\r\n" + AUDIO, 5, "t=");
    }

    @Test
    void hugeInputIsRejectedBeforeParsing() {
        String huge = HEAD + AUDIO + "a=x-padding:" + "x".repeat(1 << 20) + "\r\n";

        assertRejected(huge, 0, "65536");
    }

    @Test
    void tooManyMediaSectionsAreRejected() {
        StringBuilder sdp = new StringBuilder(HEAD);
        for (int i = 0; i <= SessionDescription.MAX_MEDIA_SECTIONS; i++) {
            sdp.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");
        }
        SdpParseException e = rejected(sdp.toString());
        assertTrue(e.reason().contains("more than 64 m-sections"), e.getMessage());
    }

    @Test
    void errorMessageNamesTheLineAndQuotesTheCulprit() {
        SdpParseException e = rejected(HEAD + AUDIO.replace("SAVPF 111", "SAVPF opus"));

        assertEquals("SDP line 5: m= payload type must be a number from 0 to 127, got 'opus'", e.getMessage());
    }

    @Test
    void trickledCandidateParsesWithOrWithoutPrefix() throws Exception {
        Candidate c = Candidate.parse("candidate:2907042764 1 udp 2122194687 127.0.0.1 37166 typ host "
                + "generation 0 network-id 3 network-cost 50");

        assertEquals("127.0.0.1", c.address());
        assertEquals(37166, c.port());
        assertEquals(c, Candidate.parse("a=" + "candidate:" + c.raw()));
        assertEquals(0, assertThrows(SdpParseException.class, () -> Candidate.parse("candidate:")).lineNumber());
    }
}
