package io.stagecast.signaling.sdp;

/** Decimal parsing that reports problems as values, not NumberFormatException. */
final class SdpNumbers {

    private SdpNumbers() {
    }

    /** @return the value of the decimal digits in text if within [min, max], else -1 (min must be >= 0) */
    static long parseLongOrMinusOne(String text, long min, long max) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value >= min && value <= max ? value : -1;
    }

    static int parseIntOrMinusOne(String text, int min, int max) {
        return (int) parseLongOrMinusOne(text, min, max);
    }
}
