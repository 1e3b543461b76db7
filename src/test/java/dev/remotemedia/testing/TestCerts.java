package dev.remotemedia.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;

/** A throw-away CA with a server certificate (localhost, 127.0.0.1) and a client certificate, as PEM files. */
public final class TestCerts {
    public final Path caCert, serverCert, serverKey, clientCert, clientKey;
    /** The CA as a PKCS12 trust store (password {@link #TRUST_STORE_PASSWORD}): Quarkus' separate gRPC server reads no PEM trust store. */
    public final Path caTrustStore;
    public static final String TRUST_STORE_PASSWORD = "changeit";

    private TestCerts(Path dir) throws Exception {
        KeyPair ca = keys();
        X509Certificate caCertificate = sign("CN=RemoteMedia Test CA", ca, "CN=RemoteMedia Test CA", ca, true, false);
        KeyPair server = keys();
        X509Certificate serverCertificate = sign("CN=localhost", server, "CN=RemoteMedia Test CA", ca, false, true);
        KeyPair client = keys();
        X509Certificate clientCertificate = sign("CN=remotemedia-client", client, "CN=RemoteMedia Test CA", ca, false, false);
        caCert = write(dir.resolve("ca.pem"), "CERTIFICATE", caCertificate.getEncoded());
        serverCert = write(dir.resolve("server.pem"), "CERTIFICATE", serverCertificate.getEncoded());
        serverKey = write(dir.resolve("server.key"), "PRIVATE KEY", server.getPrivate().getEncoded());
        clientCert = write(dir.resolve("client.pem"), "CERTIFICATE", clientCertificate.getEncoded());
        clientKey = write(dir.resolve("client.key"), "PRIVATE KEY", client.getPrivate().getEncoded());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", caCertificate);
        caTrustStore = dir.resolve("ca.p12");
        try (var out = Files.newOutputStream(caTrustStore)) {
            trust.store(out, TRUST_STORE_PASSWORD.toCharArray());
        }
    }

    public static TestCerts create(Path dir) throws Exception {
        return new TestCerts(dir);
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                        boolean ca, boolean server) throws Exception {
        long now = System.currentTimeMillis();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(now),
                new Date(now - 60_000), new Date(now + 86_400_000L), new X500Name(subject), subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (server) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        var signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static Path write(Path file, String type, byte[] der) throws Exception {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
        return file;
    }
}
