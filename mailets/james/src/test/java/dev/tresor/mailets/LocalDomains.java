package dev.tresor.mailets;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

import org.apache.james.core.Domain;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailContext;

/** A {@link FakeMailContext} (which knows only {@code localhost}) that serves the given domains locally. */
public final class LocalDomains {
    private LocalDomains() {
    }

    public static MailetContext context(FakeMailContext fake, String... domains) {
        Set<Domain> local = Set.of(java.util.Arrays.stream(domains).map(Domain::of).toArray(Domain[]::new));
        return (MailetContext) Proxy.newProxyInstance(LocalDomains.class.getClassLoader(), new Class<?>[] {MailetContext.class},
            (proxy, method, arguments) -> {
                if (method.getName().equals("isLocalServer")) {
                    return local.contains((Domain) arguments[0]);
                }
                try {
                    return method.invoke(fake, arguments);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }
}
