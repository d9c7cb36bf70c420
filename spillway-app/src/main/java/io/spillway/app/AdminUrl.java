package io.spillway.app;

import picocli.CommandLine;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The {@code --admin} option of {@code spillway status}: an absolute {@code http://} or
 * {@code https://} URL with a host, and optionally a path prefix (an admin API behind a reverse
 * proxy). Anything else is a usage error (exit 2) at parse time, never an exception later.
 */
final class AdminUrl implements CommandLine.ITypeConverter<URI> {

    @Override
    public URI convert(String value) {
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw invalid(value, e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw invalid(value, "expected http://HOST:PORT or https://HOST:PORT");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(value, "no host");
        }
        if (uri.getPort() > 65_535) {
            throw invalid(value, "port " + uri.getPort() + " is out of range");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw invalid(value, "no query, fragment or user part allowed; give the token with --token");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return URI.create(scheme.toLowerCase(java.util.Locale.ROOT) + "://" + uri.getRawAuthority() + path);
    }

    private static CommandLine.TypeConversionException invalid(String value, String why) {
        return new CommandLine.TypeConversionException("'" + value + "' is not an admin URL: " + why);
    }
}
