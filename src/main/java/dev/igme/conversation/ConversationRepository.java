package dev.igme.conversation;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ConversationRepository implements PanacheRepositoryBase<Conversation, Conversation.Key> {

    @WithSession
    public Uni<Conversation> find(String igAccountId, String igsid) {
        return findById(new Conversation.Key(igAccountId, igsid));
    }
}
