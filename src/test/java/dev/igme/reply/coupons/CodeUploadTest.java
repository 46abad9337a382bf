package dev.igme.reply.coupons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class CodeUploadTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static CodeUpload.Codes parse(String type, String body) {
        return CodeUpload.parse(type, body.getBytes(StandardCharsets.UTF_8), 5, MAPPER);
    }

    private static CodeUpload.InvalidUpload refused(String type, String body) {
        return assertThrows(CodeUpload.InvalidUpload.class, () -> parse(type, body));
    }

    @Test
    void csvWithHeaderBomWindowsLineEndsBlankLinesAndQuotes() {
        CodeUpload.Codes codes = parse("text/csv; charset=utf-8", "\uFEFFcode\r\n SPRING-0001 \r\n\r\n\"SPRING,0002\"\r\nÄPFEL-3\n");
        assertEquals(List.of("SPRING-0001", "SPRING,0002", "ÄPFEL-3"), codes.codes());
        assertEquals(0, codes.repeated());
    }

    @Test
    void plainTextWithoutHeaderCountsRepeatsOnce() {
        CodeUpload.Codes codes = parse("text/plain", "A1\nB2\nA1\nA1\n");
        assertEquals(List.of("A1", "B2"), codes.codes());
        assertEquals(2, codes.repeated());
    }

    @Test
    void jsonLines() {
        CodeUpload.Codes codes = parse("application/x-ndjson", "{\"code\":\"J-1\"}\n\n{\"code\":\" J-2 \"}\n");
        assertEquals(List.of("J-1", "J-2"), codes.codes());
        assertEquals(List.of("J-3"), parse("application/jsonl", "{\"code\":\"J-3\"}").codes());
    }

    @ParameterizedTest(name = "{0}: {1} → line {2}")
    @CsvSource(delimiter = '|', value = {
            "text/csv|code\\nOK-1\\nBAD 2|3|not printable or is a space",
            "text/csv|OK-1\\nA,B|2|more than one column",
            "text/csv|OK-1\\nOK-2\\n" + "1234567890123456789012345678901234567890123456789012345678901234Z|3|65 characters",
            "text/csv|\"\"|1|is empty",
            "text/csv|TAB\\u0007BELL|1|not printable",
            "application/x-ndjson|{\"code\":\"A\"}\\n{\"code\":\"B\",\"extra\":1}|2|is not {\"code\"",
            "application/x-ndjson|{\"code\":\"A\"}\\nB|2|is not {\"code\"",
            "application/x-ndjson|{\"cod\":\"A\"}|1|is not {\"code\"",
            "application/x-ndjson|{\"code\":null}|1|expected {\"code\""})
    void anInvalidLineRefusesTheWholeUploadNamingItsNumber(String type, String body, int line, String why) {
        CodeUpload.InvalidUpload e = refused(type, body.replace("\\n", "\n").replace("\\u0007", "\u0007"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("line " + line + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void sixtyFourCharactersAreEnough() {
        assertEquals(64, parse("text/csv", "Y".repeat(64)).codes().get(0).length());
    }

    @Test
    void tooManyCodesIs413AndEmptyOrForeignUploadsAreRefused() {
        assertEquals(413, refused("text/csv", "1\n2\n3\n4\n5\n6\n").status());
        assertEquals(List.of("1", "2", "3", "4", "5"), parse("text/csv", "1\n2\n3\n4\n5\n5\n").codes(), "repeats do not count");
        assertEquals(400, refused("text/csv", "code\n\n").status());
        assertEquals(415, refused("application/json", "[\"A\"]").status());
        assertEquals(415, refused(null, "A").status());
        CodeUpload.InvalidUpload latin1 = assertThrows(CodeUpload.InvalidUpload.class,
                () -> CodeUpload.parse("text/csv", new byte[] {'A', (byte) 0xC4, '\n'}, 5, MAPPER));
        assertTrue(latin1.getMessage().contains("UTF-8"));
    }

    @Test
    void poolsAreValidatedNamingTheField() {
        assertEquals("name", assertThrows(CouponPools.InvalidPool.class,
                () -> CouponPools.validate(new NewCouponPool(" ", null, null))).field());
        assertEquals("name", assertThrows(CouponPools.InvalidPool.class,
                () -> CouponPools.validate(new NewCouponPool("spring coupons", null, null))).field());
        assertEquals("lowThreshold", assertThrows(CouponPools.InvalidPool.class,
                () -> CouponPools.validate(new NewCouponPool("spring", null, -1))).field());
        assertEquals("description", assertThrows(CouponPools.InvalidPool.class,
                () -> CouponPools.validate(new NewCouponPool("spring", "d".repeat(501), 1))).field());
        assertEquals(new NewCouponPool("spring-2026.pack", null, 0),
                CouponPools.validate(new NewCouponPool(" spring-2026.pack ", " ", null)));
    }
}
