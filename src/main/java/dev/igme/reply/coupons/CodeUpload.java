package dev.igme.reply.coupons;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * Reads an upload of coupon codes, all or nothing: CSV (one code per line, an optional header
 * {@code code}) or JSON lines ({@code {"code":"..."}} per line). Blank lines are skipped; any other
 * line that is not a valid code stops the upload with its line number. A pure function: nothing is
 * stored here.
 */
public final class CodeUpload {

    public static final int MAX_CODE_LENGTH = 64;
    public static final String CSV = "text/csv";
    public static final String TEXT = "text/plain";
    public static final String NDJSON = "application/x-ndjson";
    public static final String JSONL = "application/jsonl";

    /** Codes in upload order, without repeats, and how many lines repeated an earlier one. */
    public record Codes(List<String> codes, int repeated) {
    }

    /** An upload refused as a whole; the message names the line. */
    public static final class InvalidUpload extends RuntimeException {
        private final int status;

        InvalidUpload(String message, int status) {
            super(message);
            this.status = status;
        }

        /** 400 for a bad line, 413 for too many codes, 415 for a format this does not read. */
        public int status() {
            return status;
        }
    }

    record Line(String code) {
    }

    private CodeUpload() {
    }

    /**
     * @param mediaType the request's content type (parameters such as charset ignored)
     * @param maxCodes most codes one upload may hold
     */
    public static Codes parse(String mediaType, byte[] body, int maxCodes, ObjectMapper mapper) {
        String type = mediaType == null ? "" : mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        boolean json = switch (type) {
            case CSV, TEXT -> false;
            case NDJSON, JSONL -> true;
            default -> throw new InvalidUpload("send the codes as " + CSV + " (one per line, optional header 'code') or "
                    + NDJSON + " ({\"code\":\"...\"} per line); got " + (type.isEmpty() ? "no Content-Type" : type), 415);
        };
        ObjectReader reader = mapper.readerFor(Line.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        String text = utf8(body);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // byte order mark from spreadsheet exports
        }
        String[] lines = text.split("\r\n|\n|\r", -1);
        Set<String> codes = new LinkedHashSet<>();
        int repeated = 0;
        boolean first = true;
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (first && !json && line.equalsIgnoreCase("code")) {
                first = false;
                continue; // the CSV header
            }
            first = false;
            String code = json ? fromJson(reader, line, number) : fromCsv(line, number);
            String problem = problem(code);
            if (problem != null) {
                throw new InvalidUpload("line " + number + ": the code " + problem, 400);
            }
            if (!codes.add(code)) {
                repeated++;
            } else if (codes.size() > maxCodes) {
                throw new InvalidUpload("more than " + maxCodes + " codes in one upload (line " + number
                        + "); split it into several uploads", 413);
            }
        }
        if (codes.isEmpty()) {
            throw new InvalidUpload("the upload holds no codes", 400);
        }
        return new Codes(List.copyOf(new ArrayList<>(codes)), repeated);
    }

    private static String utf8(byte[] body) {
        if (body == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidUpload("the upload is not UTF-8 text", 400);
        }
    }

    private static String fromCsv(String line, int number) {
        String field = line;
        if (field.length() >= 2 && field.startsWith("\"") && field.endsWith("\"")) {
            field = field.substring(1, field.length() - 1);
            if (field.replace("\"\"", "").contains("\"")) {
                throw new InvalidUpload("line " + number + ": a quoted code has a stray quote (write \"\" for one)", 400);
            }
            return field.replace("\"\"", "\"").strip();
        }
        if (field.contains(",") || field.contains(";") || field.contains("\t")) {
            throw new InvalidUpload("line " + number + ": has more than one column; one code per line", 400);
        }
        if (field.contains("\"")) {
            throw new InvalidUpload("line " + number + ": has a quote inside an unquoted code", 400);
        }
        return field;
    }

    private static String fromJson(ObjectReader reader, String line, int number) {
        try {
            Line parsed = reader.readValue(line);
            if (parsed == null || parsed.code() == null) {
                throw new InvalidUpload("line " + number + ": expected {\"code\":\"...\"}", 400);
            }
            return parsed.code().strip();
        } catch (JsonProcessingException e) {
            throw new InvalidUpload("line " + number + ": is not {\"code\":\"...\"} (" + e.getOriginalMessage() + ")", 400);
        }
    }

    /** Why this (trimmed) code cannot be stored, or null: 1–64 visible characters, no spaces or control characters. */
    static String problem(String code) {
        if (code.isEmpty()) {
            return "is empty";
        }
        int length = code.codePointCount(0, code.length());
        if (length > MAX_CODE_LENGTH) {
            return "is " + length + " characters; at most " + MAX_CODE_LENGTH + " are allowed";
        }
        int[] points = code.codePoints().toArray();
        for (int cp : points) {
            if (!visible(cp)) {
                return "has a character that is not printable or is a space (U+" + String.format("%04X", cp) + ")";
            }
        }
        return null;
    }

    private static boolean visible(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }
}
