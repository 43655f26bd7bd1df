package io.crmhub.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.common.DataScope;
import jakarta.validation.Validator;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API's request bodies are read by {@link JsonBodyConverter}, ahead of Spring's own JSON converter; a
 * {@link DataScope} parameter is the caller's data scope.
 */
@Configuration(proxyBeanMethods = false)
class ApiWebConfiguration implements WebMvcConfigurer {
    private final ObjectMapper json;
    private final Validator validator;

    ApiWebConfiguration(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /** A controller takes a {@link DataScope} parameter to have the caller's scope, derived from their authentication. */
    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == DataScope.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                          WebDataBinderFactory binders) {
                return DataScope.of(SecurityContextHolder.getContext().getAuthentication());
            }
        });
    }

    /** Query parameters with a NUL character are refused by name, as body fields are ({@link JsonBodyConverter}). */
    @Override
    public void addInterceptors(org.springframework.web.servlet.config.annotation.InterceptorRegistry registry) {
        registry.addInterceptor(new org.springframework.web.servlet.HandlerInterceptor() {
            @Override
            public boolean preHandle(jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response,
                                     Object handler) {
                // the query string only: reading parameters would consume a form body a webhook verifies raw
                String query = request.getQueryString();
                if (query != null && query.toLowerCase(java.util.Locale.ROOT).contains("%00")) {
                    for (String pair : query.split("&")) {
                        int eq = pair.indexOf('=');
                        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                        if (name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                            throw new io.crmhub.crm.common.InvalidFieldException(name.replace('\0', '?'), JsonBodyConverter.NUL_REASON);
                        }
                    }
                }
                return true;
            }
        });
    }

    private static String decode(String text) {
        try {
            return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text; // a malformed escape is Tomcat's to refuse
        }
    }

    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.add(0, new JsonBodyConverter(json, validator));
    }
}
