package io.stagecast.signaling.sdp;

import java.util.ArrayList;
import java.util.List;

/** Splitting of SDP values into space-separated tokens, tolerant of repeated spaces and tabs. */
final class SdpTokens {

    private static final int EXCERPT = 40;

    private SdpTokens() {
    }

    static String[] split(String value) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= value.length(); i++) {
            boolean blank = i == value.length() || isBlank(value.charAt(i));
            if (blank && start >= 0) {
                tokens.add(value.substring(start, i));
                start = -1;
            } else if (!blank && start < 0) {
                start = i;
            }
        }
        return tokens.toArray(new String[0]);
    }

    /** The text after the first token and the blanks around it, without trailing blanks. */
    static String afterFirst(String value) {
        int i = 0;
        int n = value.length();
        while (i < n && isBlank(value.charAt(i))) {
            i++;
        }
        while (i < n && !isBlank(value.charAt(i))) {
            i++;
        }
        while (i < n && isBlank(value.charAt(i))) {
            i++;
        }
        while (n > i && isBlank(value.charAt(n - 1))) {
            n--;
        }
        return value.substring(i, n);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** A short, printable excerpt of untrusted text for an error message. */
    static String excerpt(String text) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && i < EXCERPT; i++) {
            char c = text.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (text.length() > EXCERPT) {
            b.append("...");
        }
        return b.toString();
    }
}
