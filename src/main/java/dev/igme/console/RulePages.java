package dev.igme.console;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;

import dev.igme.attribution.Scenario;
import dev.igme.reply.rules.ReplyRule;
import dev.igme.reply.rules.ReplyRules;
import dev.igme.reply.rules.RuleValidator;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;

/**
 * Reply rules: the list, a form to create or edit one (the service's field-level errors shown
 * beside the field), and switching a rule on or off. Everything goes through {@link ReplyRules},
 * the same checks as the API's.
 */
@ConsolePage
@Path(Pages.ROOT + "/rules")
@Produces(MediaType.TEXT_HTML)
public class RulePages {

    /** The form's fields, named as the validator names them. */
    static final List<String> FIELDS = List.of("name", "match.type", "match.pattern", "scenarios", "accounts",
            "campaigns", "channels", "links", "priority", "cooldownSeconds", "message.text", "message.quickReplies", "couponPool");

    private final ReplyRules rules;
    private final Template list;
    private final Template edit;

    public RulePages(ReplyRules rules, @Location("console/rules.html") Template list,
            @Location("console/rule.html") Template edit) {
        this.rules = rules;
        this.list = list;
        this.edit = edit;
    }

    @GET
    public Uni<Response> list() {
        return rules.list().map(all -> Pages.html(Response.Status.OK, list.data("rules", all)));
    }

    @GET
    @Path("/new")
    public Response newRule() {
        return form(Response.Status.OK, null, new FormState().set("enabled", "true").set("match.type", "PREFIX")
                .set("priority", "0").set("cooldownSeconds", "0").set("scenarios", join(Arrays.asList(Scenario.values()))));
    }

    @GET
    @Path("/{id}")
    public Uni<Response> edit(@PathParam("id") long id) {
        return rules.get(id).map(rule -> rule == null ? notFound(id) : form(Response.Status.OK, id, state(rule)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> create(@BeanParam RuleForm in) {
        FormState form = in.state();
        return Uni.createFrom().deferred(() -> rules.create(in.rule(null)))
                .map(created -> Pages.seeOther(Pages.ROOT + "/rules#rule-" + created.id()))
                .onFailure().recoverWithItem(e -> refused(e, null, form));
    }

    @POST
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> update(@PathParam("id") long id, @BeanParam RuleForm in) {
        FormState form = in.state();
        return rules.get(id).chain(existing -> {
            if (existing == null) {
                return Uni.createFrom().item(notFound(id));
            }
            return Uni.createFrom().deferred(() -> rules.update(id,
                    in.rule(id, existing.message() == null ? List.of() : existing.message().quickReplies())))
                    .map(updated -> Pages.seeOther(Pages.ROOT + "/rules#rule-" + id))
                    .onFailure().recoverWithItem(e -> refused(e, id, form));
        });
    }

    /** Switches the rule on or off, leaving the rest as it is. */
    @POST
    @Path("/{id}/enabled")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> enable(@PathParam("id") long id, @RestForm boolean enabled) {
        return rules.get(id).chain(rule -> rule == null ? Uni.createFrom().item(notFound(id))
                : rules.update(id, new ReplyRule(rule.id(), rule.name(), rule.match(), rule.scenarios(), rule.accounts(),
                        rule.priority(), rule.cooldownSeconds(), enabled, rule.message(), rule.campaigns(),
                        rule.channels(), rule.links(), rule.couponPool()))
                        .map(updated -> Pages.seeOther(Pages.ROOT + "/rules#rule-" + id)));
    }

    private Response refused(Throwable e, Long id, FormState form) {
        if (e instanceof RuleValidator.InvalidRule invalid) {
            return form(Response.Status.BAD_REQUEST, id, form.error(invalid.field(), forTheForm(invalid), FIELDS));
        }
        if (e instanceof RuleForm.Refused number) {
            return form(Response.Status.BAD_REQUEST, id, form.error(number.field, e.getMessage(), FIELDS));
        }
        if (e instanceof ReplyRules.NameTaken) {
            return form(Response.Status.CONFLICT, id, form.error("name", e.getMessage(), FIELDS));
        }
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new IllegalStateException(e);
    }

    private Response form(Response.Status status, Long id, FormState form) {
        return Pages.html(status, edit.data("id", id).data("form", form).data("scenarios", Scenario.values())
                .data("matchTypes", ReplyRule.MatchType.values()));
    }

    private static Response notFound(long id) {
        return Pages.message(Response.Status.NOT_FOUND, "No such rule", "There is no reply rule " + id + ".");
    }

    private static final java.util.regex.Pattern QUICK_REPLY = java.util.regex.Pattern
            .compile("message\\.quickReplies\\[(\\d+)](?:\\.(\\w+))?");

    /** The API's words, with a quick reply's index said as the line of the form's box it came from. */
    static String forTheForm(RuleValidator.InvalidRule invalid) {
        java.util.regex.Matcher m = QUICK_REPLY.matcher(invalid.field() == null ? "" : invalid.field());
        if (!m.matches()) {
            return invalid.getMessage();
        }
        String rest = invalid.getMessage().substring(invalid.field().length()).strip();
        return "line " + (Integer.parseInt(m.group(1)) + 1) + ": " + (m.group(2) == null ? "" : "the " + m.group(2) + " ")
                + rest;
    }

    static FormState state(ReplyRule rule) {
        return new FormState().set("name", rule.name())
                .set("match.type", rule.match() == null ? "" : rule.match().type().name())
                .set("match.pattern", rule.match() == null ? "" : rule.match().pattern())
                .set("match.caseInsensitive", rule.match() != null && Boolean.TRUE.equals(rule.match().caseInsensitive()))
                .set("scenarios", join(rule.scenarios())).set("accounts", join(rule.accounts()))
                .set("campaigns", join(rule.campaigns())).set("channels", join(rule.channels()))
                .set("links", join(rule.links())).set("priority", rule.priority())
                .set("cooldownSeconds", rule.cooldownSeconds()).set("enabled", Boolean.TRUE.equals(rule.enabled()))
                .set("message.text", rule.message() == null ? "" : rule.message().text())
                .set("message.quickReplies", RuleForm.quickReplyLines(rule.message() == null ? null : rule.message().quickReplies()))
                .set("couponPool", rule.couponPool() == null ? "" : rule.couponPool());
    }

    static String join(List<?> values) {
        if (values == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        values.forEach(v -> parts.add(String.valueOf(v)));
        return String.join(",", parts);
    }
}
