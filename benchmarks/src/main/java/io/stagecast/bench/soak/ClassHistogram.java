package io.stagecast.bench.soak;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's live objects by class, as {@code GC.class_histogram} prints them after the full
 * collection it forces: the total is the live heap, and the difference of two says which classes
 * a leak is made of.
 */
final class ClassHistogram {
    /** "   1:         44840        4680464  [B (java.base@25.0.3)" */
    private static final Pattern ROW = Pattern.compile("(?m)^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)");
    /** The last line: "Total <instances> <bytes>". */
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

    private final long totalBytes;
    private final Map<String, Long> bytesByClass;

    private ClassHistogram(long totalBytes, Map<String, Long> bytesByClass) {
        this.totalBytes = totalBytes;
        this.bytesByClass = bytesByClass;
    }

    static ClassHistogram parse(String text) {
        Matcher total = TOTAL.matcher(text);
        if (!total.find()) {
            throw new IllegalStateException("no Total line in the class histogram: " + text.substring(0, Math.min(200, text.length())));
        }
        Map<String, Long> bytes = new HashMap<>();
        Matcher row = ROW.matcher(text);
        while (row.find()) {
            bytes.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
        }
        return new ClassHistogram(Long.parseLong(total.group(1)), bytes);
    }

    long totalBytes() {
        return totalBytes;
    }

    /** The {@code n} classes whose live bytes grew most since {@code before}, "[]" when none grew. */
    String largestGrowth(ClassHistogram before, int n) {
        StringJoiner classes = new StringJoiner(", ", "[", "]");
        bytesByClass.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.bytesByClass.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(n)
                .forEach(e -> classes.add(String.format(Locale.ROOT, "%s +%.0f KB", e.getKey(), e.getValue() / 1e3)));
        return classes.toString();
    }
}
