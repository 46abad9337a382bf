package dev.igme.reply;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ReplyRuleRepository implements PanacheRepositoryBase<ReplyRuleEntity, Long> {
}
