// An independent client for test/emulator/wire.test.ts: Java's own HttpClient, whose default version is
// HTTP/2, so on an http:// URL it offers `Upgrade: h2c` with each request. It sends CreateStage (name and
// tags from the arguments) and then ListStages with one client, and prints each reply as one line:
// `<protocol version> <status> <body>`. Run as a single source file: java H2cClient.java URL NAME TAG.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

public class H2cClient {
  public static void main(String[] args) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    String body = "{\"name\":\"" + args[1] + "\",\"tags\":{\"via\":\"" + args[2] + "\"}}";
    for (String[] call : new String[][] {{"CreateStage", body}, {"ListStages", "{}"}}) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(args[0] + "/" + call[0]))
          .header("Content-Type", "application/json")
          // The emulator without credentials takes any well-formed SigV4 header.
          .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ivs/aws4_request, SignedHeaders=host, Signature=" + "0".repeat(64))
          .POST(HttpRequest.BodyPublishers.ofString(call[1]))
          .build();
      HttpResponse<String> reply = client.send(request, HttpResponse.BodyHandlers.ofString());
      System.out.println(reply.version() + " " + reply.statusCode() + " " + reply.body());
    }
  }
}
