package dev.stowage.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void printableTextAndWholeSurrogatePairsAreStorable() {
        assertTrue(Text.isStorable(""));
        assertTrue(Text.isStorable("image ready, é, \u202E, \uD83D\uDE00"));
    }

    @Test
    void controlCharactersAndHalvesOfSurrogatePairsAreNot() {
        // U+0000 is what PostgreSQL text refuses; a lone surrogate is what jsonb refuses.
        for (String text : new String[] {"a\u0000b", "\r\n", "\u007f", "\u0085", "\uD800", "a\uDC00", "\uD83D"}) {
            assertFalse(Text.isStorable(text), text.codePoints().mapToObj(Integer::toHexString).toList().toString());
        }
    }
}
