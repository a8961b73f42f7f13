package dev.tresor.distribution;

import java.util.Iterator;
import java.util.Map;

import org.apache.mailet.MailetConfig;
import org.apache.mailet.MailetContext;

import dev.tresor.distribution.ProcessArguments.MailetCall;

/** A mailet's name and its {@code --param}s, as James gives a mailet its {@code mailetcontainer.xml} element. */
final class OfflineMailetConfig implements MailetConfig {
    private final String name;
    private final Map<String, String> parameters;
    private final MailetContext context;

    OfflineMailetConfig(MailetCall call, MailetContext context) {
        this.name = call.name();
        this.parameters = call.parameters();
        this.context = context;
    }

    @Override
    public String getInitParameter(String name) {
        return parameters.get(name);
    }

    @Override
    public Iterator<String> getInitParameterNames() {
        return parameters.keySet().iterator();
    }

    @Override
    public MailetContext getMailetContext() {
        return context;
    }

    @Override
    public String getMailetName() {
        return name;
    }
}
