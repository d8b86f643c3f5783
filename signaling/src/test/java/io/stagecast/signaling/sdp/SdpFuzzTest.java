package io.stagecast.signaling.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated real offers and random text must either parse (and then survive a round trip) or be
 * refused with SdpParseException; any other exception is a bug.
 */
class SdpFuzzTest {

    private static final String ALPHABET = "0123456789abcxyzAZ:;,/=~- \t*.\u00e9\u0000\u007f\u2003";

    @Test
    void mutatedChromiumOfferNeverThrowsAnythingButSdpParseException() {
        Random random = new Random(20240607);
        List<String> base = Arrays.asList(CapturedSdp.read(CapturedSdp.PUBLISH_OFFER).split("\r\n"));
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < 10_000; i++) {
            List<String> lines = new ArrayList<>(base);
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutate(lines, random);
            }
            String sdp = String.join(random.nextBoolean() ? "\r\n" : "\n", lines);
            if (parsesOrIsRejected(sdp, i)) {
                parsed++;
            } else {
                rejected++;
            }
        }
        // Both outcomes must occur, or the mutations are not exercising the parser.
        assertTrue(parsed > 1000, "parsed " + parsed);
        assertTrue(rejected > 1000, "rejected " + rejected);
    }

    @Test
    void mutatedFirefoxOfferNeverThrowsAnythingButSdpParseException() {
        Random random = new Random(77);
        List<String> base = Arrays.asList(CapturedSdp.read(CapturedSdp.FIREFOX_OFFER).split("\r\n"));
        for (int i = 0; i < 1_500; i++) {
            List<String> lines = new ArrayList<>(base);
            mutate(lines, random);
            mutate(lines, random);
            parsesOrIsRejected(String.join("\r\n", lines), i);
        }
    }

    @Test
    void randomTextNeverThrowsAnythingButSdpParseException() {
        Random random = new Random(5);
        String prefix = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
        for (int i = 0; i < 1_500; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            String noise = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
            parsesOrIsRejected(noise, i);
            parsesOrIsRejected(prefix + "a=" + noise, i);
            parsesOrIsRejected(prefix + randomLine(random), i);
        }
    }

    /** @return true if parsed (after checking the round trip), false if rejected */
    private static boolean parsesOrIsRejected(String sdp, int iteration) {
        SessionDescription parsed;
        try {
            parsed = SessionDescription.parse(sdp);
        } catch (SdpParseException e) {
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError("iteration " + iteration + ": unexpected " + e + " for:\n" + sdp, e);
        }
        try {
            SessionDescription reparsed = SessionDescription.parse(parsed.write());
            assertEquals(parsed, reparsed, () -> "iteration " + iteration + ":\n" + sdp);
        } catch (SdpParseException e) {
            fail("iteration " + iteration + ": written SDP does not parse: " + e.getMessage() + "\n" + sdp);
        }
        return true;
    }

    private static void mutate(List<String> lines, Random random) {
        if (lines.isEmpty()) {
            lines.add(randomLine(random));
            return;
        }
        int at = random.nextInt(lines.size());
        switch (random.nextInt(7)) {
            case 0 -> lines.remove(at);
            case 1 -> lines.add(random.nextInt(lines.size() + 1), lines.get(at));
            case 2 -> lines.set(at, corrupt(lines.get(at), random));
            case 3 -> lines.set(at, lines.get(at).substring(0, random.nextInt(lines.get(at).length() + 1)));
            case 4 -> lines.add(at, randomLine(random));
            case 5 -> lines.set(at, replaceNumber(lines.get(at), random));
            default -> {
                int other = random.nextInt(lines.size());
                String tmp = lines.get(at);
                lines.set(at, lines.get(other));
                lines.set(other, tmp);
            }
        }
    }

    private static String corrupt(String line, Random random) {
        if (line.isEmpty()) {
            return String.valueOf(randomChar(random));
        }
        char[] chars = line.toCharArray();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            chars[random.nextInt(chars.length)] = randomChar(random);
        }
        return new String(chars);
    }

    private static String replaceNumber(String line, Random random) {
        String[] replacements = {"-1", "0", "4294967296", "99999999999999999999", "65536", "128", "", "1e3", "0x10"};
        return line.replaceFirst("[0-9]+", replacements[random.nextInt(replacements.length)]);
    }

    private static String randomLine(Random random) {
        StringBuilder b = new StringBuilder();
        b.append("vosctmba".charAt(random.nextInt(8))).append('=');
        String[] names = {"mid:", "rtpmap:", "fmtp:", "rtcp-fb:", "ssrc:", "ssrc-group:", "rid:", "simulcast:",
            "extmap:", "candidate:", "msid:", "group:", "setup:", "fingerprint:", "sendonly", "rtcp-mux", ""};
        b.append(names[random.nextInt(names.length)]);
        int n = random.nextInt(30);
        for (int i = 0; i < n; i++) {
            b.append(randomChar(random));
        }
        return b.toString();
    }

    private static char randomChar(Random random) {
        return ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
}
