package dev.igme.link.qr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class QrOptionsTest {

    @Test
    void absentParametersTakeTheDefaults() {
        assertEquals(new QrOptions(512, QrOptions.Ecc.M, 4), QrOptions.parse(null, null, null));
        assertEquals(QrOptions.DEFAULTS, QrOptions.parse(null, " ", null));
    }

    @Test
    void givenParametersAreUsedAndTheLevelIsReadInAnyCase() {
        assertEquals(new QrOptions(64, QrOptions.Ecc.H, 0), QrOptions.parse(64, "h", 0));
        assertEquals(new QrOptions(4096, QrOptions.Ecc.L, 16), QrOptions.parse(4096, " L ", 16));
        assertEquals(QrOptions.Ecc.Q, QrOptions.parse(null, "Q", null).ecc());
    }

    @Test
    void outOfRangeOrUnknownValuesNameTheirField() {
        invalid("size", "size must be between 64 and 4096 pixels", () -> QrOptions.parse(10, null, null));
        invalid("size", "size must be between 64 and 4096 pixels", () -> QrOptions.parse(63, null, null));
        invalid("size", "size must be between 64 and 4096 pixels", () -> QrOptions.parse(100000, null, null));
        invalid("size", "size must be between 64 and 4096 pixels", () -> QrOptions.parse(-512, null, null));
        invalid("ecc", "ecc must be one of L, M, Q, H", () -> QrOptions.parse(null, "X", null));
        invalid("ecc", "ecc must be one of L, M, Q, H", () -> QrOptions.parse(null, "LM", null));
        invalid("margin", "margin must be between 0 and 16 modules", () -> QrOptions.parse(null, null, -1));
        invalid("margin", "margin must be between 0 and 16 modules", () -> QrOptions.parse(null, null, 50));
        invalid("margin", "margin must be between 0 and 16 modules", () -> QrOptions.parse(null, null, 17));
    }

    @Test
    void theTargetIsTrackedUnlessDirectIsAsked() {
        assertEquals(QrTarget.TRACKED, QrTarget.parse(null));
        assertEquals(QrTarget.TRACKED, QrTarget.parse(""));
        assertEquals(QrTarget.TRACKED, QrTarget.parse("tracked"));
        assertEquals(QrTarget.DIRECT, QrTarget.parse("Direct"));
        invalid("target", "target must be tracked or direct", () -> QrTarget.parse("igme"));
    }

    private static void invalid(String field, String message, Executable parse) {
        QrOptions.Invalid e = assertThrows(QrOptions.Invalid.class, parse);
        assertEquals(field, e.field());
        assertEquals(message, e.getMessage());
    }
}
