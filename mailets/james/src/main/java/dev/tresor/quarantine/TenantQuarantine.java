package dev.tresor.quarantine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryPath;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.mailet.Mail;

import dev.tresor.keys.TenantId;
import dev.tresor.mailets.support.StoredErrorMessage;

/**
 * Each tenant's quarantine: one James mail repository per tenant, at the path {@value #PATH}{@code /<tenant>} (e.g.
 * {@code jpa://var/mail/tresor-quarantine/acme/}), so that a tenant's held mail is never listed with another's and
 * James's own {@code /mailRepositories} routes still see every one. The Quarantine mailet stores into it, the
 * quarantine's WebAdmin routes read it, by path and whatever the protocol ({@code jpa://} in Tresor's distribution,
 * {@code memory://} or {@code file://} in a stock James: James's default protocol unless the mailet names one).
 */
public final class TenantQuarantine {
    public static final String PATH = "var/mail/tresor-quarantine";

    private final MailRepositoryStore store;

    @Inject
    public TenantQuarantine(MailRepositoryStore store) {
        this.store = Objects.requireNonNull(store);
    }

    /** James's default repository protocol (mailrepositorystore.xml), else {@code memory}. */
    public String defaultProtocol() {
        return store.defaultProtocol().map(Protocol::getValue).orElse("memory");
    }

    /**
     * Keeps the mail, as it is (state, attributes, recipients), in the tenant's quarantine; only an error message longer
     * than a {@code jpa://} repository stores is shortened (the whole reason is in {@code tresor.failure.reason}).
     */
    public MailKey hold(TenantId tenant, Mail mail, String protocol) throws MessagingException {
        // a mandatory-all refusal names every recipient and reason: longer than JPA's 200 characters, the store failed
        // and the mail that had to be held went round the error processor instead
        mail.setErrorMessage(StoredErrorMessage.fit(mail.getErrorMessage()));
        try {
            return store.select(MailRepositoryUrl.fromPathAndProtocol(path(tenant), protocol)).store(mail);
        } catch (MailRepositoryStore.MailRepositoryStoreException e) {
            throw new MessagingException("Cannot open the quarantine of tenant " + tenant.asString(), e);
        }
    }

    /** Every mail held for the tenant, with its id. */
    public List<Held> list(TenantId tenant) throws MessagingException {
        List<Held> held = new ArrayList<>();
        for (MailRepository repository : repositories(tenant)) {
            Iterator<MailKey> keys = repository.list();
            while (keys.hasNext()) {
                MailKey key = keys.next();
                Mail mail = repository.retrieve(key);
                if (mail != null) {
                    held.add(new Held(key, mail));
                }
            }
        }
        return held;
    }

    public Optional<Held> get(TenantId tenant, MailKey key) throws MessagingException {
        for (MailRepository repository : repositories(tenant)) {
            Mail mail = repository.retrieve(key);
            if (mail != null) {
                return Optional.of(new Held(key, mail));
            }
        }
        return Optional.empty();
    }

    /** @return false if the tenant's quarantine holds no such mail */
    public boolean remove(TenantId tenant, MailKey key) throws MessagingException {
        boolean removed = false;
        for (MailRepository repository : repositories(tenant)) {
            if (repository.retrieve(key) != null) {
                repository.remove(key);
                removed = true;
            }
        }
        return removed;
    }

    private List<MailRepository> repositories(TenantId tenant) throws MessagingException {
        try {
            return store.getByPath(path(tenant)).collect(Collectors.toList());
        } catch (MailRepositoryStore.MailRepositoryStoreException e) {
            throw new MessagingException("Cannot open the quarantine of tenant " + tenant.asString(), e);
        }
    }

    static MailRepositoryPath path(TenantId tenant) {
        return MailRepositoryPath.from(PATH).subPath(tenant.asString());
    }

    /** One held mail and the id WebAdmin names it by. */
    public static final class Held {
        private final MailKey key;
        private final Mail mail;

        Held(MailKey key, Mail mail) {
            this.key = key;
            this.mail = mail;
        }

        public MailKey key() {
            return key;
        }

        public Mail mail() {
            return mail;
        }
    }
}
