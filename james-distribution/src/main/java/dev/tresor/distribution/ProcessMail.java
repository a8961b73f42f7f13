package dev.tresor.distribution;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.Address;
import javax.mail.Message.RecipientType;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;
import org.apache.james.server.core.JamesServerResourceLoader;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.server.core.configuration.Configuration.ConfigurationPath;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.MailetConfig;
import org.h2.api.ErrorCode;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.google.inject.Singleton;
import com.google.inject.spi.Message;

import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.TresorAttributes;
import dev.tresor.distribution.ProcessArguments.MailetCall;
import dev.tresor.distribution.ProcessArguments.UsageException;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.james.ConfiguredKeyStorage;
import dev.tresor.keys.james.KeyRepositoryExtensionModule;

/**
 * {@code bin/tresor-process}: runs Tresor mailets over one message offline, so that an admin can try a chain without
 * sending mail. From the distribution directory (state in the data directory {@code $TRESOR_DATA}, see
 * {@link TresorServerMain}):
 * <pre>
 * bin/tresor-process --mailet SignSmime --param digest=SHA-384 --auth-user alice@acme.example &lt; in.eml &gt; out.eml
 * bin/tresor-process --mailet StripTresorHeaders --mailet SetMimeHeader --param name=X-Tried --param value=yes &lt; in.eml
 * </pre>
 *
 * <p>The key repository is the one {@code conf/keyrepository.properties} names, opened by
 * {@link KeyRepositoryExtensionModule} as James opens it; mailets are built by Guice from that module, so their
 * {@code @Inject} constructors receive the {@code KeyRepository} and the {@code TenantResolver}. James's recipient
 * rewrite table is an empty in-memory one: offline there are no domain aliases. The mailets see an
 * {@link OfflineMailetContext}.
 *
 * <p>Only a message that went through every mailet and stayed in its processor is written to standard output. A mail
 * a mailet sent to another processor (an {@code onFailure} processor, James's {@code error} processor) is not: a
 * failed encryption must never leave a plaintext {@code out.eml} that looks processed. The exit status says what
 * happened (see {@link ProcessArguments#USAGE}).
 *
 * <p>The embedded H2 database is a file only one process may open (Tresor does not run H2 in server mode), so with
 * {@code storage=h2} the command refuses to run while James runs, naming the reason; PostgreSQL has no such limit.
 */
public final class ProcessMail {
    static final int OK = 0;
    static final int ROUTED = 2;
    static final int CONSUMED = 3;
    static final int USAGE = 64;
    static final int BAD_INPUT = 65;
    static final int CANNOT_WRITE = 74;
    static final int IN_USE = 75;
    static final int CONFIGURATION = 78;

    /** Where the mail is while the mailets run: James's first processor. A mailet that changes it routed the mail. */
    static final String PROCESSOR = Mail.DEFAULT;
    private static final String MAIL_NAME = "tresor-process";
    private static final List<String> MAILET_PACKAGES = List.of("dev.tresor.mailets.", "org.apache.james.transport.mailets.");
    /** Mailets whose whole job is delivery, on a James mail queue of their own: nothing they could do offline. */
    private static final Set<String> DELIVERING_MAILETS = Set.of("dev.tresor.mailets.RequireTls",
        "org.apache.james.transport.mailets.RemoteDelivery");
    private static final String ON_MAILET_EXCEPTION = "onMailetException";
    private static final String IGNORE = "ignore";

    private final ProcessArguments arguments;
    private final Path baseDirectory;
    private final PrintStream stderr;

    private ProcessMail(ProcessArguments arguments, Path baseDirectory, PrintStream stderr) {
        this.arguments = arguments;
        this.baseDirectory = baseDirectory;
        this.stderr = stderr;
    }

    public static void main(String[] args) {
        PrintStream stdout = System.out;
        // standard output carries the message only: whatever a library prints there goes to standard error instead
        System.setOut(System.err);
        Path dataDirectory = Path.of(System.getProperty(TresorServerMain.WORKING_DIRECTORY, ".")).toAbsolutePath();
        Path configuration = TresorServerMain.configurationDirectory(dataDirectory);
        int status = run(args, Path.of("").toAbsolutePath(), configuration, dataDirectory, System.in, stdout, System.err);
        stdout.flush();
        System.exit(status);
    }

    /** {@link #run(String[], Path, Path, Path, InputStream, OutputStream, PrintStream)} with everything in one directory. */
    static int run(String[] args, Path workingDirectory, InputStream stdin, OutputStream stdout, PrintStream stderr) {
        Path absolute = workingDirectory.toAbsolutePath();
        return run(args, absolute, absolute.resolve("conf"), absolute, stdin, stdout, stderr);
    }

    /**
     * The whole command, with its streams as parameters.
     *
     * @param baseDirectory what relative {@code --conf} and {@code --copies} directories are resolved against
     * @param configuration the configuration directory read unless {@code --conf} names another
     * @param dataDirectory against which the relative paths of {@code configuration} are resolved (a {@code --conf}
     *     directory's are resolved against its parent)
     * @return the exit status
     */
    static int run(String[] args, Path baseDirectory, Path configuration, Path dataDirectory, InputStream stdin,
                   OutputStream stdout, PrintStream stderr) {
        ProcessArguments arguments;
        try {
            arguments = ProcessArguments.parse(args);
        } catch (UsageException e) {
            stderr.println("tresor-process: " + e.getMessage());
            stderr.println(ProcessArguments.USAGE);
            return USAGE;
        }
        if (arguments.help()) {
            new PrintStream(stdout, true).println(ProcessArguments.USAGE);
            return OK;
        }
        Path base = baseDirectory.toAbsolutePath();
        Optional<Path> named = arguments.configurationDirectory(base);
        Path configurationDirectory = named.orElse(configuration.toAbsolutePath());
        Path workingDirectory = named.map(Path::getParent).orElse(dataDirectory.toAbsolutePath());
        return new ProcessMail(arguments, base, stderr).run(configurationDirectory, workingDirectory, stdin, stdout);
    }

    private int run(Path configurationDirectory, Path workingDirectory, InputStream stdin, OutputStream stdout) {
        List<Class<? extends Mailet>> mailetClasses = new ArrayList<>();
        try {
            for (MailetCall call : arguments.mailets()) {
                mailetClasses.add(mailetClass(call.name()));
            }
        } catch (UsageException e) {
            return fail(USAGE, e.getMessage());
        }
        if (!Files.isDirectory(configurationDirectory)) {
            return fail(CONFIGURATION, "no configuration directory " + configurationDirectory);
        }
        Injector injector;
        try {
            injector = openKeyRepository(configurationDirectory, workingDirectory);
        } catch (CreationException e) {
            return cannotSetUp("the key repository cannot be opened", e);
        }
        try {
            return runMailets(injector, mailetClasses, stdin, stdout);
        } finally {
            injector.getInstance(ConfiguredKeyStorage.class).close();
        }
    }

    private int runMailets(Injector injector, List<Class<? extends Mailet>> mailetClasses, InputStream stdin, OutputStream stdout) {
        OfflineMailetContext context;
        try {
            context = new OfflineMailetContext(injector.getInstance(KeyRepository.class).tenants(),
                arguments.localDomains(), stderr, arguments.copiesDirectory(baseDirectory));
        } catch (ProvisionException e) {
            return cannotSetUp("the key repository cannot be opened", e);
        }
        List<Mailet> chain = new ArrayList<>();
        try {
            for (int i = 0; i < mailetClasses.size(); i++) {
                MailetCall call = arguments.mailets().get(i);
                Mailet mailet = instantiate(injector, mailetClasses.get(i), call.name());
                chain.add(mailet);
                init(mailet, new OfflineMailetConfig(call, context));
            }
            MailImpl mail = readMail(stdin);
            try {
                return process(mail, chain, stdout);
            } finally {
                mail.dispose();
            }
        } catch (SetUpException e) {
            return cannotSetUp(e.getMessage(), e.getCause());
        } catch (BadInputException e) {
            return fail(BAD_INPUT, e.getMessage());
        } finally {
            chain.forEach(Mailet::destroy);
        }
    }

    // setting up

    /** {@link #openKeyRepository(Path, Path)} with the configuration directory's parent as working directory. */
    static Injector openKeyRepository(Path configurationDirectory) {
        return openKeyRepository(configurationDirectory, configurationDirectory.toAbsolutePath().getParent());
    }

    /**
     * A Guice injector with the key repository module and what it needs of James: the configuration directory and
     * James's working directory (the data directory, against which the configuration's relative paths are
     * resolved), a clock, and an empty recipient rewrite table. The storage is opened here; close it with
     * {@link ConfiguredKeyStorage#close()}.
     */
    static Injector openKeyRepository(Path configurationDirectory, Path workingDirectory) {
        JamesServerResourceLoader directories = new JamesServerResourceLoader(workingDirectory.toString());
        FileSystemImpl fileSystem = new FileSystemImpl(directories);
        PropertiesProvider properties = new PropertiesProvider(fileSystem,
            new ConfigurationPath(FileSystem.FILE_PROTOCOL + configurationDirectory.toAbsolutePath() + "/"));
        return Guice.createInjector(
            binder -> {
                binder.bind(PropertiesProvider.class).toInstance(properties);
                binder.bind(JamesDirectoriesProvider.class).toInstance(directories);
                binder.bind(FileSystem.class).toInstance(fileSystem);
                binder.bind(Clock.class).toInstance(Clock.systemUTC());
                // a provider, not an instance: Guice would inject an instance's James setters (users, domains)
                binder.bind(RecipientRewriteTable.class).toProvider(MemoryRecipientRewriteTable::new).in(Singleton.class);
                // the key cache's gauges: a one-off run has nobody to read them
                binder.bind(GaugeRegistry.class).to(NoopGaugeRegistry.class);
            },
            new KeyRepositoryExtensionModule());
    }

    private static Mailet instantiate(Injector injector, Class<? extends Mailet> type, String name) throws SetUpException {
        try {
            return injector.getInstance(type);
        } catch (ConfigurationException | ProvisionException e) {
            throw new SetUpException("mailet " + name + " cannot be created", e);
        }
    }

    /** A class name as given, or a simple name in Tresor's package, then in James's, as James looks up short names. */
    private static Class<? extends Mailet> mailetClass(String name) throws UsageException {
        List<String> candidates = name.contains(".")
            ? List.of(name)
            : MAILET_PACKAGES.stream().map(prefix -> prefix + name).collect(Collectors.toList());
        for (String candidate : candidates) {
            Class<?> type;
            try {
                type = Class.forName(candidate, false, ProcessMail.class.getClassLoader());
            } catch (ClassNotFoundException notThisOne) {
                continue;
            }
            if (!Mailet.class.isAssignableFrom(type)) {
                throw new UsageException(type.getName() + " is not a mailet");
            }
            if (DELIVERING_MAILETS.contains(type.getName())) {
                throw new UsageException(type.getSimpleName() + " delivers mail over the network, from its own mail queue "
                    + "and threads; tresor-process runs offline (no DNS, no queues, no delivery): try it through the server");
            }
            return type.asSubclass(Mailet.class);
        }
        throw new UsageException("no mailet " + name + " (looked for " + String.join(", ", candidates) + ")");
    }

    private static void init(Mailet mailet, MailetConfig config) throws SetUpException {
        try {
            mailet.init(config);
        } catch (MessagingException | RuntimeException e) {
            throw new SetUpException("mailet " + config.getMailetName() + " cannot start", e);
        }
    }

    // the mail

    private MailImpl readMail(InputStream stdin) throws BadInputException {
        byte[] bytes;
        try {
            bytes = stdin.readAllBytes();
        } catch (IOException e) {
            throw new BadInputException("cannot read the message from standard input: " + e.getMessage());
        }
        if (bytes.length == 0) {
            throw new BadInputException("standard input is empty: give the message as < in.eml");
        }
        MimeMessage message = new MimeMessageWrapper(new StandardInput(bytes));
        try {
            MailImpl.Builder mail = MailImpl.builder()
                .name(MAIL_NAME)
                .mimeMessage(message)
                .sender(sender(message))
                .addRecipients(recipients(message))
                .state(PROCESSOR)
                .remoteAddr(arguments.remoteAddress())
                .remoteHost(arguments.remoteAddress());
            arguments.authUser().ifPresent(user -> mail.addAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(user))));
            return mail.build();
        } catch (MessagingException e) {
            throw new BadInputException("standard input is no usable message: " + e.getMessage());
        }
    }

    private MaybeSender sender(MimeMessage message) throws MessagingException, BadInputException {
        if (arguments.sender().isPresent()) {
            String given = arguments.sender().get();
            return given.equals("<>") ? MaybeSender.nullSender() : MaybeSender.of(address(given, "--sender"));
        }
        Address[] from = message.getFrom();
        if (from == null || from.length == 0) {
            throw new BadInputException("the message has no From header: give --sender ADDRESS (or --sender '<>')");
        }
        return MaybeSender.of(address(from[0], "From"));
    }

    private Collection<MailAddress> recipients(MimeMessage message) throws MessagingException, BadInputException {
        Set<MailAddress> recipients = new LinkedHashSet<>();
        for (String given : arguments.recipients()) {
            recipients.add(address(given, "--recipient"));
        }
        if (arguments.recipients().isEmpty()) {
            for (RecipientType type : List.of(RecipientType.TO, RecipientType.CC)) {
                Address[] addresses = message.getRecipients(type);
                for (Address address : addresses == null ? new Address[0] : addresses) {
                    recipients.add(address(address, type + " header"));
                }
            }
        }
        if (recipients.isEmpty()) {
            throw new BadInputException("the message has no To or Cc recipient: give --recipient ADDRESS");
        }
        return recipients;
    }

    private static MailAddress address(Object address, String where) throws BadInputException {
        try {
            return address instanceof InternetAddress
                ? new MailAddress((InternetAddress) address)
                : new MailAddress(String.valueOf(address));
        } catch (AddressException e) {
            throw new BadInputException("'" + address + "' in " + where + " is no mail address: " + e.getMessage());
        }
    }

    // processing

    private int process(Mail mail, List<Mailet> chain, OutputStream stdout) {
        Optional<String> exception = Optional.empty();
        String last = "";
        for (Mailet mailet : chain) {
            last = mailet.getMailetConfig().getMailetName();
            exception = service(mailet, mail);
            if (!mail.getState().equals(PROCESSOR) || mail.getRecipients().isEmpty()) {
                break;
            }
        }
        listTresorAttributes(mail);
        if (mail.getState().equals(Mail.GHOST)) {
            return fail(CONSUMED, "mail was consumed (ghost) by mailet " + last + ": nothing written");
        }
        if (!mail.getState().equals(PROCESSOR)) {
            stderr.println("mail went to processor '" + mail.getState() + "': " + exception.orElseGet(() -> failureReason(mail)));
            stderr.println("(sent there by mailet " + last + "; nothing written)");
            return ROUTED;
        }
        if (mail.getRecipients().isEmpty()) {
            return fail(CONSUMED, "no recipient left after mailet " + last + ": nothing written");
        }
        return write(mail, stdout);
    }

    /**
     * Runs one mailet; a failure routes the mail as James would ({@code onMailetException}: a processor, default
     * {@code error}, or {@code ignore}).
     *
     * @return the failure, if the mailet threw
     */
    private Optional<String> service(Mailet mailet, Mail mail) {
        try {
            mailet.service(mail);
            return Optional.empty();
        } catch (MessagingException | RuntimeException e) {
            String failure = "mailet " + mailet.getMailetConfig().getMailetName() + " failed: " + e;
            String onException = Optional.ofNullable(mailet.getMailetConfig().getInitParameter(ON_MAILET_EXCEPTION))
                .map(String::trim)
                .orElse(Mail.ERROR);
            if (onException.equalsIgnoreCase(IGNORE)) {
                stderr.println(failure + " (ignored: " + ON_MAILET_EXCEPTION + "=" + IGNORE + ")");
                return Optional.empty();
            }
            mail.setState(onException);
            return Optional.of(failure);
        }
    }

    /** Tresor's reason attribute, else the error message James's own mailets (ToProcessor, ...) set. */
    private static String failureReason(Mail mail) {
        return mail.getAttribute(FailureReason.NAME)
            .map(attribute -> render(attribute.getValue()))
            .or(() -> Optional.ofNullable(mail.getErrorMessage()).filter(message -> !message.isBlank()))
            .orElse("no reason given (no " + FailureReason.ATTRIBUTE + " attribute)");
    }

    private int write(Mail mail, OutputStream stdout) {
        try {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            mail.getMessage().writeTo(message);
            message.writeTo(stdout);
            stdout.flush();
            return OK;
        } catch (IOException | MessagingException e) {
            return fail(CANNOT_WRITE, "cannot write the message: " + e.getMessage());
        }
    }

    private void listTresorAttributes(Mail mail) {
        if (arguments.quiet()) {
            return;
        }
        mail.attributes()
            .filter(attribute -> TresorAttributes.isTresorAttribute(attribute.getName()))
            .sorted((a, b) -> a.getName().asString().compareTo(b.getName().asString()))
            .forEach(attribute -> stderr.println(attribute.getName().asString() + " = " + render(attribute.getValue())));
    }

    /** The plain values inside James's attribute wrappers, lists and maps included. */
    private static String render(AttributeValue<?> value) {
        Object inner = value.value();
        if (inner instanceof Collection) {
            return ((Collection<?>) inner).stream().map(ProcessMail::renderElement).collect(Collectors.joining(", ", "[", "]"));
        }
        if (inner instanceof Map) {
            return ((Map<?, ?>) inner).entrySet().stream()
                .map(entry -> entry.getKey() + "=" + renderElement(entry.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        }
        if (inner instanceof Optional) {
            return ((Optional<?>) inner).map(ProcessMail::renderElement).orElse("(none)");
        }
        return String.valueOf(inner);
    }

    private static String renderElement(Object element) {
        return element instanceof AttributeValue ? render((AttributeValue<?>) element) : String.valueOf(element);
    }

    // failing

    private int fail(int status, String message) {
        stderr.println("tresor-process: " + message);
        return status;
    }

    private int cannotSetUp(String what, Throwable failure) {
        if (isDatabaseInUse(failure)) {
            return fail(IN_USE, "the key repository is in use by a running server; stop it or use PostgreSQL");
        }
        return fail(CONFIGURATION, what + ": " + reason(failure));
    }

    /** H2 refuses a database file that another process holds open. */
    private static boolean isDatabaseInUse(Throwable failure) {
        for (Throwable cause : causes(failure)) {
            if (cause instanceof SQLException && ((SQLException) cause).getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
                return true;
            }
        }
        return false;
    }

    /** The failure, its causes, and the causes Guice keeps in its error messages. */
    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> causes = new ArrayList<>();
        for (Throwable cause = failure; cause != null && !causes.contains(cause); cause = cause.getCause()) {
            causes.add(cause);
            for (Message message : guiceMessages(cause)) {
                if (message.getCause() != null) {
                    causes.addAll(causes(message.getCause()));
                }
            }
        }
        return causes;
    }

    /** What went wrong in a sentence: Guice's first error's cause rather than Guice's report around it. */
    private static String reason(Throwable failure) {
        Iterator<Message> messages = guiceMessages(failure).iterator();
        if (!messages.hasNext()) {
            return String.valueOf(failure.getMessage());
        }
        Message first = messages.next();
        return first.getCause() != null ? reason(first.getCause()) : first.getMessage();
    }

    private static Collection<Message> guiceMessages(Throwable failure) {
        if (failure instanceof CreationException) {
            return ((CreationException) failure).getErrorMessages();
        }
        if (failure instanceof ProvisionException) {
            return ((ProvisionException) failure).getErrorMessages();
        }
        if (failure instanceof ConfigurationException) {
            return ((ConfigurationException) failure).getErrorMessages();
        }
        return List.of();
    }

    /** A mailet that cannot be created or started, or a key repository that cannot be opened. */
    private static final class SetUpException extends Exception {
        private static final long serialVersionUID = 1L;

        SetUpException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Standard input holds no message the mailets can work on. */
    private static final class BadInputException extends Exception {
        private static final long serialVersionUID = 1L;

        BadInputException(String message) {
            super(message);
        }
    }

    /** The message read from standard input, as James's message wrapper reads a spooled message. */
    private static final class StandardInput implements MimeMessageSource {
        private final byte[] bytes;

        StandardInput(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String getSourceId() {
            return "standard input";
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public long getMessageSize() {
            return bytes.length;
        }
    }
}
