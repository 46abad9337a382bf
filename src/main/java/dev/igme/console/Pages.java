package dev.igme.console;

import java.net.URI;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;

import io.quarkus.qute.TemplateInstance;

/** What every console page shares: the signed-in user, redirects after a form, plain refusal pages. */
final class Pages {

    static final String ROOT = "/console";

    private Pages() {
    }

    /** The visitor {@link ConsoleAccess} let in. */
    static ConsoleUser user() {
        return (ConsoleUser) CurrentRequestManager.get().getProperty(ConsoleAccess.USER);
    }

    /** The page with the visitor, for the layout's header and the admin-only forms. */
    static TemplateInstance page(TemplateInstance page) {
        return page.data("user", user());
    }

    /** After a successful form: GET the page that shows the result (so a reload posts nothing twice). */
    static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }

    /**
     * An optional whole number from the address, or null when absent. Quarkus answers a typed query
     * parameter it cannot convert with "not found" for a page that exists; read as text and parsed
     * here, a bad value is a 400 page that says which parameter to fix ({@code title}, {@code text}).
     */
    static Long wholeNumber(String value, String title, String text) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new WebApplicationException(message(Response.Status.BAD_REQUEST, title, text));
        }
    }

    static Response html(Response.Status status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page(page)).build();
    }

    /** A small page of its own (no template, so it also works where the request was refused early). */
    static Response message(Response.Status status, String title, String text) {
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " · igme console</title>"
                + "<link rel=\"stylesheet\" href=\"/console-assets/console.css\"></head><body><main id=\"main\">"
                + "<h1>" + escape(title) + "</h1><p>" + escape(text) + "</p>"
                + "<p><a href=\"" + ROOT + "/campaigns\">Back to the console</a></p></main></body></html>";
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html).build();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
