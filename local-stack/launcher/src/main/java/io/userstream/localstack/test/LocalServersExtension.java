package io.userstream.localstack.test;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** Starts the servers named by {@link LocalServers} before a class's tests and injects {@link LocalStack} parameters. */
public final class LocalServersExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        SharedLocalStack.ensureStarted(requested(context.getRequiredTestClass()));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return SharedLocalStack.ensureStarted(requested(extensionContext.getRequiredTestClass()));
    }

    static Set<ServerKind> requested(Class<?> testClass) {
        Set<ServerKind> kinds = EnumSet.noneOf(ServerKind.class);
        for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
            AnnotationSupport.findAnnotation(type, LocalServers.class).ifPresent(a -> kinds.addAll(Set.of(a.value())));
        }
        return kinds;
    }
}
