package dev.igme.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class NewestLoadTest {

    @Test
    void aLoadThatStartedBeforeAChangeCannotPutTheOldValueBackAfterTheChangesOwnLoad() {
        NewestLoad<List<String>> rules = new NewestLoad<>(List.of());
        long periodic = rules.begin(); // the periodic refresh reads before the new rule commits
        long afterCreate = rules.begin(); // the refresh right after the create reads it
        assertTrue(rules.offer(afterCreate, List.of("new rule")));
        assertFalse(rules.offer(periodic, List.of()), "the older read finishes last");
        assertEquals(List.of("new rule"), rules.get());
    }

    @Test
    void loadsThatFinishInOrderEachReplaceTheValue() {
        NewestLoad<String> value = new NewestLoad<>("initial");
        assertEquals("initial", value.get());
        assertFalse(value.loaded());
        assertTrue(value.offer(value.begin(), "first"));
        assertTrue(value.loaded());
        assertTrue(value.offer(value.begin(), "second"));
        assertEquals("second", value.get());
    }
}
