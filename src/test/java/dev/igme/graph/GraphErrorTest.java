package dev.igme.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.graph.GraphError.Kind;

/** Meta's error table (shared/docs/instagram-platform.md §5), row by row. */
class GraphErrorTest {

    @ParameterizedTest(name = "HTTP {0}, code {1}/{2} → {4}")
    @CsvSource(nullValues = "-", value = {
            "400, 10, 2534022, -, WINDOW_CLOSED",
            "400, 10, 2018278, -, WINDOW_CLOSED",
            "400, 551, -, -, USER_UNAVAILABLE",
            "400, 551, 1545041, This person isn't available right now, USER_UNAVAILABLE",
            "400, 200, 1545041, -, USER_UNAVAILABLE",
            "400, 551, 1545041, Message sent outside of allowed window, WINDOW_CLOSED",
            "400, 10, 2018108, -, USER_UNAVAILABLE",
            "400, 100, 2534014, -, NO_MATCHING_USER",
            "400, 100, 2534015, -, INVALID_MESSAGE",
            "400, 100, -, -, INVALID_MESSAGE",
            "400, 10, 2018300, -, THREAD_CONTROLLED_BY_OTHER_APP",
            "400, 200, 2534041, -, DM_ACCESS_DISABLED",
            "400, 4, -, -, RATE_LIMITED",
            "400, 17, -, -, RATE_LIMITED",
            "400, 32, -, -, RATE_LIMITED",
            "400, 613, -, -, RATE_LIMITED",
            "400, 613, 2534040, -, RATE_LIMITED",
            "401, 190, -, -, TOKEN_INVALID",
            "500, 1, -, -, TEMPORARY",
            "503, 2, -, -, TEMPORARY",
            "502, -, -, -, TEMPORARY",
            "400, 12345, -, -, UNKNOWN"})
    void classifiesByCodeSubcodeAndMessage(int status, Integer code, Integer subcode, String message, Kind expected) {
        var error = new ObjectMapper().createObjectNode();
        var inner = error.putObject("error");
        if (code != null) {
            inner.put("code", code);
        }
        if (subcode != null) {
            inner.put("error_subcode", subcode);
        }
        if (message != null) {
            inner.put("message", message);
        }
        assertEquals(expected, GraphError.classify(status, error).kind());
    }

    @ParameterizedTest
    @CsvSource({"true, TEMPORARY", "false, UNKNOWN"})
    void isTransientMakesAnUnknownErrorTemporary(boolean transientFlag, Kind expected) {
        var body = new ObjectMapper().createObjectNode();
        body.putObject("error").put("code", 99).put("is_transient", transientFlag);
        assertEquals(expected, GraphError.classify(400, body).kind());
    }
}
