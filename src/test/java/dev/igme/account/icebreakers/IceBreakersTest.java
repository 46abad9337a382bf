package dev.igme.account.icebreakers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/** What Meta would refuse (or advises against) is refused here, naming the field. */
class IceBreakersTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static IceBreakers parse(String json) throws Exception {
        return MAPPER.readValue(json, IceBreakers.class);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"locales\":[]}|locales",
            "{}|locales",
            "{\"locales\":[{\"locale\":\"fr_FR\",\"questions\":[{\"question\":\"Q\",\"payload\":\"P\"}]}]}|locales",
            "{\"locales\":[{\"locale\":\" \",\"questions\":[{\"question\":\"Q\",\"payload\":\"P\"}]}]}|locales[0].locale",
            "{\"locales\":[{\"locale\":\"default\",\"questions\":[]}]}|locales[0].questions",
            "{\"locales\":[{\"locale\":\"default\",\"questions\":[{\"question\":\"1\",\"payload\":\"1\"},{\"question\":\"2\",\"payload\":\"2\"},{\"question\":\"3\",\"payload\":\"3\"},{\"question\":\"4\",\"payload\":\"4\"},{\"question\":\"5\",\"payload\":\"5\"}]}]}|locales[0].questions",
            "{\"locales\":[{\"locale\":\"default\",\"questions\":[{\"question\":\"\",\"payload\":\"P\"}]}]}|locales[0].questions[0].question",
            "{\"locales\":[{\"locale\":\"default\",\"questions\":[{\"question\":\"Q\"}]}]}|locales[0].questions[0].payload",
            "{\"locales\":[{\"locale\":\"default\",\"questions\":[{\"question\":\"Q\",\"payload\":\"P\"},{\"question\":\"R\",\"payload\":\"P\"}]}]}|locales[0].questions[1].payload",
            "{\"locales\":[{\"locale\":\"default\",\"questions\":[{\"question\":\"Q\",\"payload\":\"P\"}]},{\"locale\":\"default\",\"questions\":[{\"question\":\"Q\",\"payload\":\"P\"}]}]}|locales[1].locale"})
    void invalidIceBreakersNameTheField(String json, String field) throws Exception {
        IceBreakers.Invalid e = assertThrows(IceBreakers.Invalid.class, () -> parse(json).validate());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
    }

    @Test
    void fourQuestionsPerLocaleWithTheSamePayloadsInAnotherLocaleAreValid() throws Exception {
        IceBreakers valid = parse("{\"locales\":[{\"locale\":\"default\",\"questions\":[{\"question\":\"1\",\"payload\":\"A\"},"
                + "{\"question\":\"2\",\"payload\":\"B\"},{\"question\":\"3\",\"payload\":\"C\"},{\"question\":\"4\",\"payload\":\"D\"}]},"
                + "{\"locale\":\"fr_FR\",\"questions\":[{\"question\":\"Un\",\"payload\":\"A\"}]}]}").validate();
        assertTrue(valid.hasDefault());
    }

    @Test
    void metasShapeBothWays() throws Exception {
        IceBreakers breakers = new IceBreakers(List.of(new IceBreakers.Locale("default",
                List.of(new IceBreakers.Question("Sizes?", "SIZES")))));
        assertEquals("[{\"call_to_actions\":[{\"question\":\"Sizes?\",\"payload\":\"SIZES\"}],\"locale\":\"default\"}]",
                breakers.toMeta(MAPPER).toString());
        IceBreakers read = IceBreakers.fromMeta(MAPPER.readTree("{\"data\":[{\"ice_breakers\":" + breakers.toMeta(MAPPER) + "}]}"));
        assertTrue(read.sameAs(breakers));
        assertTrue(IceBreakers.fromMeta(MAPPER.readTree("{\"ice_breakers\":" + breakers.toMeta(MAPPER) + "}")).sameAs(breakers));
        assertEquals(0, IceBreakers.fromMeta(MAPPER.readTree("{\"data\":[]}")).locales().size());
    }
}
