package dev.tresor.mailets.support;

import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.tresor.keys.EmailAddress;

/**
 * Who may have mail signed with a sender's personal key (S/MIME or OpenPGP): a client authenticated over SMTP as
 * exactly the From address (or as its local part, for a James without virtual hosting), or, if the mailet is so
 * configured, a client connected from a trusted network. Reads the init parameters {@code signFor} and {@code networks}.
 */
public final class SigningAuthorisation {
    public static final String SIGN_FOR = "signFor";
    public static final String NETWORKS = "networks";
    private static final String AUTHENTICATED = "authenticated";
    private static final String AUTHENTICATED_OR_NETWORK = "authenticated-or-network";

    private final boolean allowNetworks;
    private final Networks networks;

    private SigningAuthorisation(boolean allowNetworks, Networks networks) {
        this.allowNetworks = allowNetworks;
        this.networks = networks;
    }

    public static SigningAuthorisation of(GenericMailet mailet) throws MessagingException {
        InitParameters parameters = new InitParameters(mailet);
        boolean allowNetworks = parameters.choice(SIGN_FOR, AUTHENTICATED,
            Map.of(AUTHENTICATED, false, AUTHENTICATED_OR_NETWORK, true));
        Networks networks;
        try {
            networks = Networks.parse(parameters.list(NETWORKS));
        } catch (IllegalArgumentException e) {
            throw parameters.invalid(NETWORKS, mailet.getInitParameter(NETWORKS), "comma-separated IP networks: " + e.getMessage());
        }
        if (allowNetworks == networks.isEmpty()) {
            throw parameters.invalid(NETWORKS, mailet.getInitParameter(NETWORKS, ""), allowNetworks
                ? "at least one network with signFor=" + AUTHENTICATED_OR_NETWORK
                : "none unless signFor=" + AUTHENTICATED_OR_NETWORK);
        }
        return new SigningAuthorisation(allowNetworks, networks);
    }

    /** Why the mail may not be signed: no single From address, or a sender it may not be signed for; empty when it may. */
    public Optional<String> refusal(Mail mail, Optional<EmailAddress> sender) {
        return sender.isEmpty() ? Optional.of("the From header must name exactly one address") : unauthorisedReason(mail, sender.get());
    }

    /** Why the mail may not be signed for this sender; empty when it may. */
    public Optional<String> unauthorisedReason(Mail mail, EmailAddress sender) {
        Optional<String> authUser = mail.getAttribute(Mail.SMTP_AUTH_USER)
            .flatMap(attribute -> attribute.getValue().valueAs(String.class));
        if (authUser.isPresent()) {
            return isSameUser(authUser.get(), sender)
                ? Optional.empty()
                : Optional.of("authenticated as " + authUser.get() + ", not as the sender " + sender.asString());
        }
        if (allowNetworks && networks.contains(mail.getRemoteAddr())) {
            return Optional.empty();
        }
        return Optional.of("sender " + sender.asString() + " did not authenticate"
            + (allowNetworks ? " and " + mail.getRemoteAddr() + " is not in an authorised network" : ""));
    }

    private static boolean isSameUser(String authUser, EmailAddress sender) {
        String user = authUser.trim();
        if (user.contains("@")) {
            try {
                return EmailAddress.of(user).equals(sender);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return user.equalsIgnoreCase(sender.localPart());
    }
}
