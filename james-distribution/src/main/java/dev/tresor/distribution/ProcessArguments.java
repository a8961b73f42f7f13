package dev.tresor.distribution;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The command line of {@code tresor-process}, checked before anything is opened. */
final class ProcessArguments {
    static final String DEFAULT_REMOTE_ADDRESS = "127.0.0.1";

    static final String USAGE = String.join("\n",
        "usage: tresor-process --mailet NAME [--param NAME=VALUE ...] [--mailet NAME [--param ...] ...]",
        "                      [--sender ADDRESS|<>] [--recipient ADDRESS ...] [--auth-user USER]",
        "                      [--remote-addr IP] [--local-domain DOMAIN ...] [--conf DIR] [--copies DIR] [--quiet]",
        "                      < in.eml > out.eml",
        "",
        "Runs Tresor mailets over one message offline, with the key repository conf/keyrepository.properties names,",
        "and writes the resulting message to standard output. Several --mailet options form a chain, applied in order;",
        "each --param belongs to the --mailet before it.",
        "",
        "  --mailet NAME          a class name, or a simple name looked up in dev.tresor.mailets, then in James's",
        "                         org.apache.james.transport.mailets",
        "  --param NAME=VALUE     an init parameter of the mailet, as in mailetcontainer.xml",
        "  --sender ADDRESS       the envelope sender (default: the From header; <> for none)",
        "  --recipient ADDRESS    an envelope recipient, repeatable (default: the To and Cc headers)",
        "  --auth-user USER       the user the mail was authenticated as over SMTP (attribute",
        "                         org.apache.james.SMTPAuthUser), for mailets that sign only for authenticated senders",
        "  --remote-addr IP       the client address the mail came from (default " + DEFAULT_REMOTE_ADDRESS + ")",
        "  --local-domain DOMAIN  a domain to treat as local, besides the domains mapped to tenants in the key repository",
        "  --conf DIR             the James configuration directory to read keyrepository.properties from (default:",
        "                         this distribution's conf/, whose relative paths are in the data directory",
        "                         $TRESOR_DATA); relative paths in another DIR are resolved against DIR/..",
        "                         (relative DIRs of --conf and --copies: against the current directory)",
        "  --copies DIR           write mail the mailets send on (copies, bounces) to DIR/copy-N.eml",
        "  --quiet                do not list the mail's tresor.* attributes on standard error",
        "",
        "Offline there is no James: no domain aliases (each domain is resolved by the key repository's tenant",
        "directory alone), no users, no DNS, no delivery. The embedded H2 key database can be opened by one process",
        "only: stop James first, or use PostgreSQL.",
        "",
        "Exit status: 0 message written; 2 a mailet sent the mail to another processor (e.g. onFailure), nothing",
        "written; 3 the mail was consumed (ghost, or no recipient left), nothing written; 64 bad arguments; 65 the",
        "input is no usable message; 75 the key repository is in use by a running server; 78 the key repository or",
        "a mailet cannot be set up.");

    /** A mailet to run and its init parameters, in the order given. */
    static final class MailetCall {
        private final String name;
        private final Map<String, String> parameters = new LinkedHashMap<>();

        MailetCall(String name) {
            this.name = name;
        }

        String name() {
            return name;
        }

        Map<String, String> parameters() {
            return Collections.unmodifiableMap(parameters);
        }
    }

    /** Bad arguments: the message says which. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final List<MailetCall> mailets = new ArrayList<>();
    private final List<String> recipients = new ArrayList<>();
    private final List<String> localDomains = new ArrayList<>();
    private Optional<String> sender = Optional.empty();
    private Optional<String> authUser = Optional.empty();
    private String remoteAddress = DEFAULT_REMOTE_ADDRESS;
    private Optional<Path> configurationDirectory = Optional.empty();
    private Optional<Path> copiesDirectory = Optional.empty();
    private boolean quiet;
    private boolean help;

    private ProcessArguments() {
    }

    static ProcessArguments parse(String... args) throws UsageException {
        ProcessArguments parsed = new ProcessArguments();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "-h":
                case "--help":
                    parsed.help = true;
                    break;
                case "--quiet":
                    parsed.quiet = true;
                    break;
                case "--mailet":
                    parsed.mailets.add(new MailetCall(value(args, ++i, option)));
                    break;
                case "--param":
                    parsed.addParameter(value(args, ++i, option));
                    break;
                case "--sender":
                    parsed.sender = Optional.of(value(args, ++i, option));
                    break;
                case "--recipient":
                    parsed.recipients.add(value(args, ++i, option));
                    break;
                case "--auth-user":
                    parsed.authUser = Optional.of(value(args, ++i, option));
                    break;
                case "--remote-addr":
                    parsed.remoteAddress = value(args, ++i, option);
                    break;
                case "--local-domain":
                    parsed.localDomains.add(value(args, ++i, option));
                    break;
                case "--conf":
                    parsed.configurationDirectory = Optional.of(Path.of(value(args, ++i, option)));
                    break;
                case "--copies":
                    parsed.copiesDirectory = Optional.of(Path.of(value(args, ++i, option)));
                    break;
                default:
                    throw new UsageException("unknown option '" + option + "'");
            }
        }
        if (parsed.mailets.isEmpty() && !parsed.help) {
            throw new UsageException("name at least one --mailet");
        }
        return parsed;
    }

    private static String value(String[] args, int index, String option) throws UsageException {
        if (index >= args.length || args[index].isBlank()) {
            throw new UsageException(option + " needs a value");
        }
        return args[index].trim();
    }

    private void addParameter(String nameAndValue) throws UsageException {
        if (mailets.isEmpty()) {
            throw new UsageException("--param " + nameAndValue + " comes before any --mailet it could belong to");
        }
        int equals = nameAndValue.indexOf('=');
        if (equals <= 0) {
            throw new UsageException("--param " + nameAndValue + ": write NAME=VALUE");
        }
        MailetCall mailet = mailets.get(mailets.size() - 1);
        String name = nameAndValue.substring(0, equals).trim();
        if (mailet.parameters.put(name, nameAndValue.substring(equals + 1)) != null) {
            throw new UsageException("--param " + name + " is given twice for --mailet " + mailet.name());
        }
    }

    boolean help() {
        return help;
    }

    List<MailetCall> mailets() {
        return Collections.unmodifiableList(mailets);
    }

    /** Empty: take the From header. {@code <>}: the null sender. */
    Optional<String> sender() {
        return sender;
    }

    /** Empty: take the To and Cc headers. */
    List<String> recipients() {
        return Collections.unmodifiableList(recipients);
    }

    Optional<String> authUser() {
        return authUser;
    }

    String remoteAddress() {
        return remoteAddress;
    }

    List<String> localDomains() {
        return Collections.unmodifiableList(localDomains);
    }

    /** The configuration directory {@code --conf} names, a relative one against {@code baseDirectory}. */
    Optional<Path> configurationDirectory(Path baseDirectory) {
        Objects.requireNonNull(baseDirectory);
        return configurationDirectory.map(directory -> baseDirectory.resolve(directory).normalize());
    }

    /** Where to write the mail the mailets send on, a relative directory against {@code baseDirectory}. */
    Optional<Path> copiesDirectory(Path baseDirectory) {
        return copiesDirectory.map(directory -> baseDirectory.resolve(directory).normalize());
    }

    boolean quiet() {
        return quiet;
    }
}
