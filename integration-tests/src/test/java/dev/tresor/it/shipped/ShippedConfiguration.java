package dev.tresor.it.shipped;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The few edits a test machine needs in a copy of the shipped {@code conf/}; everything else stays as shipped. */
final class ShippedConfiguration {
    /** The processors a local user's mail to a partner passes in the sample chain, from the spool to RemoteDelivery. */
    private static final List<String> OUTGOING_WAY = List.of("root", "transport", "relay", "tresor-smime", "tresor-send");

    private ShippedConfiguration() {
    }

    /** Sets properties in a {@code .properties} file, creating it when the distribution has none. */
    static void setProperties(Path file, Map<String, String> values) throws IOException {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                properties.load(in);
            }
        }
        values.forEach(properties::setProperty);
        try (Writer out = Files.newBufferedWriter(file)) {
            properties.store(out, "shipped configuration, ports moved by ShippedServer");
        }
    }

    /**
     * RemoteDelivery relays to the sink (its {@code gateway}) and retries within seconds; RequireTls delivers to the
     * sink's port with short timeouts. Both keep every other parameter as shipped.
     */
    static void relayTo(Path mailetContainer, int sinkPort) throws Exception {
        editMailets(mailetContainer, mailet -> {
            if (mailet.getAttribute("class").equals("RemoteDelivery")) {
                replaceChild(mailet, "gateway", "127.0.0.1");
                replaceChild(mailet, "gatewayPort", Integer.toString(sinkPort));
                replaceChild(mailet, "delayTime", "500, 1000");
                replaceChild(mailet, "maxRetries", "2");
            }
            if (mailet.getAttribute("class").equals("dev.tresor.mailets.RequireTls")) {
                replaceChild(mailet, "port", Integer.toString(sinkPort));
                replaceChild(mailet, "heloName", "gateway.test");
                replaceChild(mailet, "connectTimeout", "2s");
                replaceChild(mailet, "readTimeout", "10s");
                replaceChild(mailet, "retryDelays", "500ms, 1s");
            }
        });
    }

    /** RemoteDelivery's retry schedule ({@code delayTime}, {@code maxRetries}), e.g. for a relay target that is down. */
    static void remoteDeliveryRetries(Path mailetContainer, String delayTime, int maxRetries) throws Exception {
        editMailets(mailetContainer, mailet -> {
            if (mailet.getAttribute("class").equals("RemoteDelivery")) {
                replaceChild(mailet, "delayTime", delayTime);
                replaceChild(mailet, "maxRetries", Integer.toString(maxRetries));
            }
        });
    }

    /**
     * Mail to {@code domain} must go over TLS: the {@code RecipientRequiresTls} condition names it, RequireTls's
     * {@code <policies>} give it {@code policy}, and RequireTls retries after {@code retryDelays}.
     */
    static void requireTls(Path mailetContainer, String domain, String policy, String retryDelays) throws Exception {
        editMailets(mailetContainer, mailet -> {
            String match = mailet.getAttribute("match");
            if (match.startsWith("dev.tresor.matchers.RecipientRequiresTls=")) {
                mailet.setAttribute("match", match + "," + domain);
            }
            if (mailet.getAttribute("class").equals("dev.tresor.mailets.RequireTls")) {
                String policies = mailet.getElementsByTagName("policies").item(0).getTextContent();
                replaceChild(mailet, "policies", policies + "; " + domain + ": " + policy);
                replaceChild(mailet, "retryDelays", retryDelays);
            }
        });
    }

    /**
     * Leaves out every {@code <mailet>} whose class or condition names one of Tresor's classes ({@code dev.tresor.}),
     * the processors and James's own mailets stay: the shipped chain as a plain relay.
     */
    static void removeTresorMailets(Path mailetContainer) throws Exception {
        editMailets(mailetContainer, mailet -> {
            if (isTresors(mailet)) {
                mailet.getParentNode().removeChild(mailet);
            }
        });
    }

    /**
     * The minimal S/MIME chain issue 17 measured first: on its way out a mail passes StripTresorHeaders (root), then
     * SignSmime (for every mail) and EncryptSmime with their parameters as shipped in {@code tresor-smime}, then
     * RemoteDelivery. Every other Tresor mailet and matcher on that way (processors root, transport, relay, tresor-smime,
     * tresor-send: IsNestedTooDeeply, MarkInboundTls, ApplyPolicy and its routing, Autocrypt, RecipientRequiresTls) is
     * left out, and {@code relay} sends everything to {@code tresor-smime}. James's mailets, and the processors off that
     * way (local delivery, error, quarantines), stay as shipped. Throws when the shipped file no longer has what this
     * keeps.
     */
    static void onlySmimeSignAndEncrypt(Path mailetContainer) throws Exception {
        Set<String> kept = new TreeSet<>();
        editMailets(mailetContainer, mailet -> {
            String processor = ((Element) mailet.getParentNode()).getAttribute("state");
            String mailetClass = mailet.getAttribute("class");
            if (!OUTGOING_WAY.contains(processor)) {
                return;
            }
            if (processor.equals("root") && mailetClass.equals("dev.tresor.mailets.StripTresorHeaders")
                || processor.equals("tresor-smime") && (mailetClass.equals("dev.tresor.mailets.SignSmime")
                    || mailetClass.equals("dev.tresor.mailets.EncryptSmime"))) {
                mailet.setAttribute("match", "All");
                kept.add(processor + ": " + mailetClass);
            } else if (isTresors(mailet)) {
                mailet.getParentNode().removeChild(mailet);
            } else if (processor.equals("relay") && mailetClass.equals("ToProcessor") && mailet.getAttribute("match").equals("All")) {
                replaceChild(mailet, "processor", "tresor-smime");
                kept.add("relay: ToProcessor tresor-smime");
            }
        });
        if (kept.size() != 4) {
            throw new IllegalStateException(mailetContainer + " no longer has the mailets the minimal S/MIME chain keeps:"
                + " only " + kept);
        }
    }

    private static boolean isTresors(Element mailet) {
        return mailet.getAttribute("class").startsWith("dev.tresor.") || mailet.getAttribute("match").contains("dev.tresor.");
    }

    /** Hands every {@code <mailet>} of the file to {@code edit} (last first, so it may remove one), then writes it back. */
    private static void editMailets(Path mailetContainer, Consumer<Element> edit) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(mailetContainer.toFile());
        NodeList mailets = document.getElementsByTagName("mailet");
        for (int i = mailets.getLength() - 1; i >= 0; i--) {
            edit.accept((Element) mailets.item(i));
        }
        TransformerFactory.newInstance().newTransformer()
            .transform(new DOMSource(document), new StreamResult(mailetContainer.toFile()));
    }

    /**
     * What an operator of a stock James memory server does with the sample configuration, as mailrepositorystore.xml
     * says: the distribution's {@code jpa://} repositories become the memory server's {@code memory://} ones.
     */
    static void useMemoryMailRepositories(Path conf) throws IOException {
        Path mailetContainer = conf.resolve("mailetcontainer.xml");
        Files.writeString(mailetContainer, Files.readString(mailetContainer).replace("jpa://", "memory://"));
        Files.writeString(conf.resolve("mailrepositorystore.xml"), "<?xml version=\"1.0\"?>\n<mailrepositorystore>\n"
            + "    <defaultProtocol>memory</defaultProtocol>\n    <mailrepositories>\n"
            + "        <mailrepository class=\"org.apache.james.mailrepository.memory.MemoryMailRepository\">\n"
            + "            <protocols><protocol>memory</protocol></protocols>\n        </mailrepository>\n"
            + "    </mailrepositories>\n</mailrepositorystore>\n");
    }

    private static void replaceChild(Element parent, String name, String text) {
        NodeList existing = parent.getElementsByTagName(name);
        for (int i = existing.getLength() - 1; i >= 0; i--) {
            parent.removeChild(existing.item(i));
        }
        Element child = parent.getOwnerDocument().createElement(name);
        child.setTextContent(text);
        parent.appendChild(child);
    }
}
