package dev.tresor.matchers;

import javax.mail.MessagingException;

import org.apache.mailet.base.GenericMatcher;

/** Matchers that take no condition say so at start-up instead of ignoring one. */
final class Conditions {
    private Conditions() {
    }

    static void refuse(GenericMatcher matcher) throws MessagingException {
        String condition = matcher.getCondition();
        if (condition != null && !condition.isBlank()) {
            throw new MessagingException(matcher.getMatcherName() + " takes no condition, got '" + condition + "'");
        }
    }
}
