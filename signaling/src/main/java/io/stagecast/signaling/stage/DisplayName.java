package io.stagecast.signaling.stage;

import java.text.Normalizer;

/**
 * The rule for the names people see of each other (docs/protocol.md, "Display names"), applied
 * wherever a name enters a room: the name a person typed, a token's name claim, WHIP and WHEP.
 * Without it a name could carry bidi overrides that reverse what follows it on screen
 * ("Ann\u202E" makes the next text read backwards), look like someone else's through
 * invisible characters, or be nothing at all (only zero-width characters: an invisible person).
 *
 * <ol>
 *   <li>Unicode NFC, so one name has one form (U+0041 U+030A and U+00C5 are the same "Å").</li>
 *   <li>Removed: control characters (Cc), format characters (Cf: bidi embeddings, overrides and
 *       isolates U+202A-202E and U+2066-2069, marks U+200E/U+200F/U+061C, zero-width
 *       U+200B-200D, U+2060, U+FEFF, soft hyphen, tag characters), private-use characters (Co)
 *       and lone surrogates (Cs).</li>
 *   <li>Every run of white space (any Unicode space, line or paragraph separator, and the blank
 *       "fillers" U+115F, U+1160, U+3164, U+FFA0, U+2800 that render as nothing) becomes one
 *       space; spaces at either end go.</li>
 *   <li>At most {@value #MAX_MARKS} combining marks in a row (enough for any script; more only
 *       stacks glyphs over the rows around it).</li>
 *   <li>What is left must hold a visible character (a letter, digit, punctuation or symbol) and
 *       at most the room's name limit of code points; otherwise the name is refused.</li>
 * </ol>
 */
public final class DisplayName {
    static final int MAX_MARKS = 4;

    private DisplayName() {
    }

    /** The normalised name, or the reason it cannot be used. */
    public sealed interface Result permits Valid, Invalid {
    }

    public record Valid(String name) implements Result {
    }

    public record Invalid(String message) implements Result {
    }

    /** Applies the rule; {@code maxCodePoints} is the room's limit after normalisation. */
    public static Result check(String raw, int maxCodePoints) {
        if (raw == null) {
            return new Invalid("a name is required");
        }
        String name = normalise(raw);
        if (!hasVisibleCharacter(name)) {
            return new Invalid("a name needs at least one visible character (a letter, digit or symbol)");
        }
        if (name.codePointCount(0, name.length()) > maxCodePoints) {
            return new Invalid("a name has at most " + maxCodePoints + " characters");
        }
        return new Valid(name);
    }

    /** Steps 1-4 of the rule: the name as people will see it (possibly empty). */
    public static String normalise(String raw) {
        String nfc = Normalizer.normalize(raw, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(nfc.length());
        boolean pendingSpace = false;
        int marks = 0;
        for (int i = 0; i < nfc.length(); ) {
            int cp = nfc.codePointAt(i);
            i += Character.charCount(cp);
            if (removed(cp)) {
                continue;
            }
            if (blank(cp)) {
                pendingSpace = out.length() > 0;
                marks = 0;
                continue;
            }
            if (isMark(cp)) {
                if (++marks > MAX_MARKS) {
                    continue;
                }
            } else {
                marks = 0;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            out.appendCodePoint(cp);
        }
        // Removing characters can leave decomposed sequences next to each other: compose again.
        return Normalizer.normalize(out, Normalizer.Form.NFC);
    }

    private static boolean removed(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> true;
            default -> false;
        } && !blank(cp);
    }

    /** White space of any kind, including controls that separate lines (TAB, LF, CR, NEL). */
    private static boolean blank(int cp) {
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85) {
            return true;
        }
        return switch (cp) {
            case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800 -> true; // Hangul fillers, braille blank
            default -> false;
        };
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean hasVisibleCharacter(String name) {
        return name.codePoints().anyMatch(cp -> switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                    Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                    Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION,
                    Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        });
    }
}
