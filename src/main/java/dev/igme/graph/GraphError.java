package dev.igme.graph;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A failed Send API call, classified by Meta's error code and subcode (and, where Meta's own pages
 * disagree, its message) into what the replier must do about it.
 */
public record GraphError(Kind kind, int httpStatus, Integer code, Integer subcode, String message) {

    public enum Kind {
        /** 10/2534022, 10/2018278, 1545041 described as a window: too late; final. */
        WINDOW_CLOSED(false),
        /** 551, 551/1545041, 200/1545041, 10/2018108: the person cannot receive it; final. */
        USER_UNAVAILABLE(false),
        /** 100/2534014: the IGSID does not belong to this account's id space; final. */
        NO_MATCHING_USER(false),
        /** 100/2534015, 100: the message or a parameter is invalid; final. */
        INVALID_MESSAGE(false),
        /** 2018300: another app controls the thread (handover); final. */
        THREAD_CONTROLLED_BY_OTHER_APP(false),
        /** 200/2534041: the account turned off API access to its messages; final, alert. */
        DM_ACCESS_DISABLED(false),
        /** 190: the token is invalid or expired; final, the account is paused. */
        TOKEN_INVALID(false),
        /** 4, 17, 32, 613, 613/2534040: back off for the account, then retry. */
        RATE_LIMITED(true),
        /** 1, 2, HTTP 5xx, is_transient, a connection that could not be made: retry with backoff. */
        TEMPORARY(true),
        /** No answer after the request was sent: Meta may have delivered it. */
        AMBIGUOUS(false),
        /** Anything else: final. */
        UNKNOWN(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    /** Classifies an HTTP error answer of the Graph API ({@code {"error":{"code":..}}}). */
    public static GraphError classify(int httpStatus, JsonNode body) {
        JsonNode error = body == null ? null : body.get("error");
        Integer code = intOrNull(error, "code");
        Integer subcode = intOrNull(error, "error_subcode");
        String message = error != null && error.hasNonNull("message") ? error.get("message").asText() : null;
        boolean transientFlag = error != null && error.path("is_transient").asBoolean(false);
        return new GraphError(kind(httpStatus, code, subcode, message, transientFlag), httpStatus, code, subcode, message);
    }

    static Kind kind(int httpStatus, Integer code, Integer subcode, String message, boolean transientFlag) {
        int c = code == null ? -1 : code;
        int s = subcode == null ? -1 : subcode;
        if (c == 2018300 || s == 2018300) {
            return Kind.THREAD_CONTROLLED_BY_OTHER_APP;
        }
        if (c == 190) {
            return Kind.TOKEN_INVALID;
        }
        if (c == 4 || c == 17 || c == 32 || c == 613) {
            return Kind.RATE_LIMITED;
        }
        if (c == 10 && (s == 2534022 || s == 2018278)) {
            return Kind.WINDOW_CLOSED;
        }
        if (s == 1545041) {
            // One of Meta's pages calls this "outside the window", another "person unavailable": final either way.
            return message != null && message.toLowerCase(Locale.ROOT).contains("window")
                    ? Kind.WINDOW_CLOSED : Kind.USER_UNAVAILABLE;
        }
        if (c == 551 || (c == 10 && s == 2018108)) {
            return Kind.USER_UNAVAILABLE;
        }
        if (c == 200 && s == 2534041) {
            return Kind.DM_ACCESS_DISABLED;
        }
        if (c == 100 && s == 2534014) {
            return Kind.NO_MATCHING_USER;
        }
        if (c == 100) {
            return Kind.INVALID_MESSAGE;
        }
        if (c == 1 || c == 2 || transientFlag || httpStatus >= 500) {
            return Kind.TEMPORARY;
        }
        return Kind.UNKNOWN;
    }

    static GraphError local(Kind kind, String message) {
        return new GraphError(kind, 0, null, null, message);
    }

    /** For logs and the reply row: never contains the token. */
    public String describe() {
        StringBuilder text = new StringBuilder(kind.name());
        if (httpStatus > 0) {
            text.append(" (HTTP ").append(httpStatus);
            if (code != null) {
                text.append(", code ").append(code);
            }
            if (subcode != null) {
                text.append('/').append(subcode);
            }
            text.append(')');
        }
        if (message != null) {
            text.append(": ").append(message);
        }
        return text.toString();
    }

    private static Integer intOrNull(JsonNode error, String field) {
        return error != null && error.hasNonNull(field) && error.get(field).canConvertToInt() ? error.get(field).asInt() : null;
    }
}
