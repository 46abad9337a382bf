package dev.igme.console;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.qute.TemplateData;

/** A form as the visitor filled it in, and what the service said about its fields, for re-showing it. */
@TemplateData
public final class FormState {

    private final Map<String, String> values = new HashMap<>();
    private final Map<String, String> errors = new HashMap<>();
    private String general;

    public FormState set(String field, Object value) {
        values.put(field, value == null ? "" : String.valueOf(value));
        return this;
    }

    /**
     * Puts the service's message beside the field it named: {@code channels[2]} belongs to the
     * field {@code channels}, {@code message.quickReplies[1].title} to {@code message.quickReplies};
     * a field the form does not have is shown above the form.
     */
    public FormState error(String field, String message, List<String> fields) {
        String name = field == null ? "" : field.replaceAll("\\[\\d+]\\..*$", "").replaceAll("\\[\\d+]", "");
        if (fields.contains(name)) {
            errors.put(name, message);
        } else {
            general = message;
        }
        return this;
    }

    public String value(String field) {
        return values.getOrDefault(field, "");
    }

    public boolean checked(String field) {
        return "true".equals(values.get(field)) || "on".equals(values.get(field));
    }

    public boolean has(String field, String option) {
        return List.of(value(field).split(",")).contains(option);
    }

    public String error(String field) {
        return errors.get(field);
    }

    public boolean invalid(String field) {
        return errors.containsKey(field);
    }

    public String general() {
        return general;
    }

    public boolean failed() {
        return general != null || !errors.isEmpty();
    }
}
