package io.stagecast.signaling.stage;

import io.stagecast.signaling.token.Role;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The name rule: what people see of each other is normalised, and invisible names are refused. */
class DisplayNameTest {
    private static String valid(String raw) {
        DisplayName.Result result = DisplayName.check(raw, 64);
        assertInstanceOf(DisplayName.Valid.class, result, "'" + raw + "' should be accepted: " + result);
        return ((DisplayName.Valid) result).name();
    }

    private static String invalid(String raw) {
        DisplayName.Result result = DisplayName.check(raw, 64);
        assertInstanceOf(DisplayName.Invalid.class, result, "'" + raw + "' should be refused, became " + result);
        return ((DisplayName.Invalid) result).message();
    }

    @Test
    void ordinaryNamesStayAsTheyAre() {
        for (String name : new String[] {"Ann", "Ana María", "李小龍", "Zoë O'Brien-Smith", "محمد", "😀 Party", "Δ-team #3"}) {
            assertEquals(name, valid(name));
        }
    }

    @Test
    void namesAreNfc() {
        assertEquals("\u00C5sa", valid("A\u030Asa"), "A + combining ring is Å");
        assertEquals(valid("\u00C5sa"), valid("A\u030Asa"), "one name, one form");
    }

    @Test
    void bidiControlsAreStripped() {
        // U+202E RIGHT-TO-LEFT OVERRIDE would make "Ann" show what follows it reversed.
        assertEquals("Annnimda", valid("Ann\u202Enimda"));
        for (int cp : new int[] {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C}) {
            assertEquals("AB", valid("A" + Character.toString(cp) + "B"), Integer.toHexString(cp));
        }
    }

    @Test
    void zeroWidthAndControlCharactersAreStripped() {
        for (int cp : new int[] {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x0000, 0x0007, 0x001B, 0x007F, 0x009B, 0xE000, 0xE0041}) {
            assertEquals("AB", valid("A" + Character.toString(cp) + "B"), Integer.toHexString(cp));
        }
        assertEquals("Ann", valid("A\uD800nn"), "a lone surrogate");
    }

    @Test
    void whiteSpaceIsCollapsedAndTrimmed() {
        assertEquals("Ann Lee", valid("  Ann \t\n Lee  "));
        assertEquals("Ann Lee", valid("Ann\u00A0\u2003\u3000Lee"), "no-break, em and ideographic spaces");
        assertEquals("Ann Lee", valid("Ann\u2028Lee"), "line separator");
        assertEquals("Ann Lee", valid("Ann\u3164\u3164Lee"), "Hangul fillers render as nothing");
        assertEquals("Ann Lee", valid("Ann \u200B Lee"), "a space hidden by a zero-width one");
    }

    @Test
    void stackedCombiningMarksAreCut() {
        // q has no precomposed form with an acute accent, so NFC leaves every mark separate.
        String zalgo = "q" + "\u0301".repeat(40) + "oe";
        assertEquals("q" + "\u0301".repeat(DisplayName.MAX_MARKS) + "oe", valid(zalgo));
    }

    @Test
    void namesWithNothingVisibleAreRefused() {
        for (String raw : new String[] {"", "   ", "\u200B\u200B\u200B", "\u202E", "\u3164", "\u2800\u2800", "\uFEFF \u200D",
                "\u0301\u0301", "\n\t", "\uE000"}) {
            assertTrue(invalid(raw).contains("visible"), raw);
        }
        assertTrue(invalid(null).contains("required"));
    }

    @Test
    void theLengthLimitCountsWhatIsLeft() {
        assertEquals("a".repeat(64), valid("a".repeat(64) + "\u200B".repeat(100)));
        assertTrue(invalid("a".repeat(65)).contains("at most 64"));
        assertEquals(64, valid("😀".repeat(64)).codePointCount(0, 128), "code points, not UTF-16 units");
    }

    @Test
    void theRoomAppliesTheRuleAndRefusesWithInvalidName() {
        TestRoom t = TestRoom.live(AccessMode.REQUEST);
        t.ok(t.room.join("a", " Ann\u202E\u200B  Lee ", Role.ATTENDEE, false, false));
        assertEquals("Ann Lee", t.p("a").name());
        t.ok(t.room.sendChat("a", "hi", null));
        assertEquals("Ann Lee", t.room.snapshot("a").chat().get(0).senderName());
        Outcome.Refused refused = t.refused(RefusalCode.INVALID_NAME,
                () -> t.room.join("b", "\u200B\u200D\u2060", Role.ATTENDEE, false, false));
        assertTrue(refused.message().contains("visible"), refused.message());
        t.refused(RefusalCode.INVALID_NAME, () -> t.room.join("c", "x".repeat(65), Role.ATTENDEE, false, false));
    }
}
