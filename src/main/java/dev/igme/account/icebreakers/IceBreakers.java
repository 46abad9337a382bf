package dev.igme.account.icebreakers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.igme.platform.api.InvalidField;

/**
 * An account's ice breakers: per locale up to four questions, each with the payload Meta sends
 * back when it is tapped. Without them for the {@code default} locale, new threads carry no ref
 * (platform notes §1, §7). The API body and the {@code ice-breakers-file} are this shape:
 * {@code {"locales":[{"locale":"default","questions":[{"question":"...","payload":"..."}]}]}}.
 */
public record IceBreakers(List<Locale> locales) {

    public static final String DEFAULT_LOCALE = "default";
    public static final int MAX_QUESTIONS = 4;

    public record Locale(String locale, List<Question> questions) {
    }

    public record Question(String question, String payload) {
    }

    /** A value Meta would refuse or that breaks Meta's advice, named by its field. */
    public static class Invalid extends InvalidField {
        private static final long serialVersionUID = 1L;

        public Invalid(String field, String message) {
            super(field, field + " " + message);
        }
    }

    /**
     * Checks everything Meta would check, before Meta is called: a {@code default} locale, 1 to 4
     * questions per locale, no blank question or payload, one locale entry per locale, and a
     * distinct payload per question of a locale (Meta's advice: a tap must say which question it was).
     *
     * @throws Invalid naming the first field at fault
     */
    public IceBreakers validate() {
        if (locales == null || locales.isEmpty()) {
            throw new Invalid("locales", "must hold at least the \"default\" locale");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < locales.size(); i++) {
            Locale locale = locales.get(i);
            String at = "locales[" + i + "]";
            if (locale == null) {
                throw new Invalid(at, "must not be null");
            }
            if (locale.locale() == null || locale.locale().isBlank()) {
                throw new Invalid(at + ".locale", "must not be blank (\"default\", or a locale such as \"fr_FR\")");
            }
            if (!seen.add(locale.locale())) {
                throw new Invalid(at + ".locale", "repeats the locale \"" + locale.locale() + "\"");
            }
            List<Question> questions = locale.questions();
            if (questions == null || questions.isEmpty() || questions.size() > MAX_QUESTIONS) {
                throw new Invalid(at + ".questions", "must hold 1 to " + MAX_QUESTIONS + " questions");
            }
            Set<String> payloads = new HashSet<>();
            for (int q = 0; q < questions.size(); q++) {
                Question question = questions.get(q);
                String qat = at + ".questions[" + q + "]";
                if (question == null) {
                    throw new Invalid(qat, "must not be null");
                }
                if (question.question() == null || question.question().isBlank()) {
                    throw new Invalid(qat + ".question", "must not be blank");
                }
                if (question.payload() == null || question.payload().isBlank()) {
                    throw new Invalid(qat + ".payload", "must not be blank");
                }
                if (!payloads.add(question.payload())) {
                    throw new Invalid(qat + ".payload", "repeats the payload \"" + question.payload()
                            + "\" of another question: give each question its own payload");
                }
            }
        }
        if (!seen.contains(DEFAULT_LOCALE)) {
            throw new Invalid("locales", "must include the \"default\" locale (Meta requires it)");
        }
        return this;
    }

    /** Whether these include questions for the {@code default} locale. */
    @JsonIgnore
    public boolean hasDefault() {
        return locales != null && locales.stream().anyMatch(l -> DEFAULT_LOCALE.equals(l.locale())
                && l.questions() != null && !l.questions().isEmpty());
    }

    /** Meta's {@code ice_breakers} array. */
    public ArrayNode toMeta(ObjectMapper mapper) {
        ArrayNode array = mapper.createArrayNode();
        for (Locale locale : locales) {
            var entry = array.addObject();
            var actions = entry.putArray("call_to_actions");
            for (Question q : locale.questions()) {
                actions.addObject().put("question", q.question()).put("payload", q.payload());
            }
            entry.put("locale", locale.locale());
        }
        return array;
    }

    /**
     * Reads Meta's answer to {@code GET /me/messenger_profile?fields=ice_breakers}, in either
     * shape seen ({@code {"data":[{"ice_breakers":[...]}]}} or {@code {"ice_breakers":[...]}});
     * no ice breakers → an empty list of locales.
     */
    public static IceBreakers fromMeta(JsonNode answer) {
        List<Locale> locales = new ArrayList<>();
        List<JsonNode> arrays = new ArrayList<>();
        if (answer != null) {
            if (answer.has("ice_breakers")) {
                arrays.add(answer.get("ice_breakers"));
            }
            for (JsonNode data : answer.path("data")) {
                arrays.add(data.path("ice_breakers"));
            }
        }
        for (JsonNode array : arrays) {
            for (JsonNode entry : array) {
                List<Question> questions = new ArrayList<>();
                for (JsonNode action : entry.path("call_to_actions")) {
                    questions.add(new Question(action.path("question").asText(null), action.path("payload").asText(null)));
                }
                locales.add(new Locale(entry.path("locale").asText(DEFAULT_LOCALE), questions));
            }
        }
        return new IceBreakers(locales);
    }

    /** The same questions and payloads per locale, whatever the order of the locales. */
    public boolean sameAs(IceBreakers other) {
        return other != null && Set.copyOf(locales).equals(Set.copyOf(other.locales()));
    }
}
