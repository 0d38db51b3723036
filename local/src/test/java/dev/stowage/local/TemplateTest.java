package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * What {@code template.yaml} must keep true for a production deploy (issue 7), checked offline: cfn-lint and the
 * SAM CLI are not installable where this project is built, so nothing else reads the template before AWS does.
 */
class TemplateTest {
    private static final Path ROOT = repositoryRoot();
    private static final String TEXT = read(ROOT.resolve("template.yaml"));
    private static final Map<String, Object> TEMPLATE = parse(TEXT);
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");
    /** The HTTP API gives an integration 30 s, a fixed limit; an API function must stop before it. */
    private static final int HTTP_API_INTEGRATION_LIMIT_SECONDS = 30;
    private static final Set<String> PROMOTING_FUNCTIONS =
            Set.of("CompleteUploadFunction", "ProxiedUploadFunction", "UploadEventsFunction",
                    "PurgerFunction"); // the purger resumes lanes whose holder died

    @Test
    void everyRefGetAttSubVariableAndDependsOnNamesSomethingDeclared() {
        Set<String> declared = new TreeSet<>();
        declared.addAll(section("Parameters").keySet());
        declared.addAll(section("Resources").keySet());
        Set<String> conditions = section("Conditions").keySet();
        Set<String> mappings = section("Mappings").keySet();
        List<String> dangling = new ArrayList<>();
        Predicate<String> known = name -> name.startsWith("AWS::") || declared.contains(name);
        walk(TEMPLATE, "", (path, map) -> {
            if (map.get("Ref") instanceof String ref && !known.test(ref)) {
                dangling.add(path + ": Ref " + ref);
            }
            if (map.containsKey("Fn::GetAtt")) {
                String resource = getAttResource(map.get("Fn::GetAtt"));
                if (!section("Resources").containsKey(resource)) {
                    dangling.add(path + ": GetAtt " + resource);
                }
            }
            if (map.get("Fn::If") instanceof List<?> branches && !conditions.contains(branches.getFirst())) {
                dangling.add(path + ": If " + branches.getFirst());
            }
            if (map.get("Fn::FindInMap") instanceof List<?> lookup && !mappings.contains(lookup.getFirst())) {
                dangling.add(path + ": FindInMap " + lookup.getFirst());
            }
            if (map.containsKey("Fn::Sub")) {
                Object sub = map.get("Fn::Sub");
                String text = sub instanceof List<?> form ? (String) form.get(0) : (String) sub;
                Set<String> local = sub instanceof List<?> form ? asMap(form.get(1)).keySet() : Set.of();
                Matcher variable = SUB_VARIABLE.matcher(text);
                while (variable.find()) {
                    // ${Name} is a parameter, resource or pseudo parameter; ${Resource.Attribute} a GetAtt.
                    String[] parts = variable.group(1).split("\\.", 2);
                    boolean resolves = local.contains(parts[0]) || (parts.length == 2
                            ? section("Resources").containsKey(parts[0]) : known.test(parts[0]));
                    if (!resolves) {
                        dangling.add(path + ": Sub ${" + variable.group(1) + "}");
                    }
                }
            }
        });
        section("Resources").forEach((name, resource) -> {
            Object dependsOn = asMap(resource).get("DependsOn");
            List<?> targets = dependsOn instanceof List<?> list ? list : dependsOn == null ? List.of() : List.of(dependsOn);
            targets.stream().filter(target -> !section("Resources").containsKey(target))
                    .forEach(target -> dangling.add(name + ": DependsOn " + target));
            Object condition = asMap(resource).get("Condition");
            if (condition != null && !conditions.contains(condition)) {
                dangling.add(name + ": Condition " + condition);
            }
        });
        assertEquals(List.of(), dangling, "references to nothing declared in template.yaml");
    }

    @Test
    void apiFunctionsStopBeforeTheHttpApiGivesUp() {
        Map<String, Map<String, Object>> api = functions(TemplateTest::isApiFunction);
        assertEquals(13, api.size(), "HttpApi-triggered functions: " + api.keySet());
        api.forEach((name, properties) -> {
            int timeout = ((Number) effective(properties, "Timeout")).intValue();
            assertTrue(timeout < HTTP_API_INTEGRATION_LIMIT_SECONDS,
                    name + " times out after " + timeout + " s, not before the HTTP API's fixed 30 s");
        });
    }

    @Test
    void everyConnectionBudgetCoversAllTheReservedConcurrency() {
        // Each instance holds at most one connection: the reservations must fit the budget the proxy has.
        Map<String, Map<String, Object>> all = functions(name -> true);
        asMap(asMap(section("Mappings").get("ConnectionBudget"))).forEach((budget, row) -> {
            Map<String, Object> share = asMap(row);
            int total = 0;
            for (var function : all.entrySet()) {
                Object reserved = function.getValue().get("ReservedConcurrentExecutions");
                if (reserved instanceof Number n) {
                    total += n.intValue();
                } else {
                    List<Object> lookup = asList(asMap(reserved).get("Fn::FindInMap"));
                    assertEquals("ConnectionBudget", lookup.get(0), function.getKey());
                    assertEquals(Map.of("Ref", "DatabaseConnectionBudget"), lookup.get(1), function.getKey());
                    total += ((Number) share.get((String) lookup.get(2))).intValue();
                }
            }
            // Exactly: every connection of the budget is some function's, none is reserved twice.
            assertEquals(Integer.parseInt(budget), total, "budget " + budget + " reserves " + total);
        });
        // An SQS trigger's MaximumConcurrency is its reservation, where that is at least SQS's minimum of 2.
        assertEquals(Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "DatabaseConnectionBudget"),
                "25")))), section("Conditions").get("CapsSqsConcurrency"));
        all.forEach((name, function) -> asMap(function.get("Events")).values().stream().map(TemplateTest::asMap)
                .filter(event -> "SQS".equals(event.get("Type"))).forEach(event -> {
                    Object reserved = function.get("ReservedConcurrentExecutions");
                    List<Object> capped = asList(asMap(asMap(event.get("Properties")).get("ScalingConfig")).get("Fn::If"));
                    assertEquals("CapsSqsConcurrency", capped.get(0), name);
                    assertEquals(Map.of("MaximumConcurrency", reserved), capped.get(1), name);
                    assertEquals(Map.of("Ref", "AWS::NoValue"), capped.get(2), name);
                    String column = (String) asList(asMap(reserved).get("Fn::FindInMap")).get(2);
                    asMap(section("Mappings").get("ConnectionBudget")).forEach((budget, row) -> assertTrue(
                            budget.equals("25") || ((Number) asMap(row).get(column)).intValue() >= 2,
                            name + " at budget " + budget + " caps its SQS trigger under 2"));
                }));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOperatorReportNeedsTheOperatorScopeAndItsStuckAndDriftGaugesAreAlarmed() {
        Map<String, Object> ops = properties("OpsFunction");
        Map<String, Object> route = asMap(asMap(asMap(ops.get("Events")).get("OpsStatus")).get("Properties"));
        assertEquals("/v1/ops/status", route.get("Path"));
        Map<String, Object> auth = asMap(route.get("Auth"));
        assertEquals("JwtAuthorizer", auth.get("Authorizer"));
        assertEquals(List.of(Map.of("Ref", "OperatorScope")), auth.get("AuthorizationScopes"));
        Map<String, Object> env = asMap(asMap(ops.get("Environment")).get("Variables"));
        assertEquals(Map.of("Ref", "OperatorScope"), env.get("STOWAGE_OPS_OPERATOR_VALUE"),
                "the function's own check and API Gateway's must want the same scope");
        for (String category : List.of("stuck", "drift")) {
            Set<String> alarmed = new TreeSet<>();
            section("Resources").values().stream().map(TemplateTest::asMap)
                    .filter(resource -> "AWS::CloudWatch::Alarm".equals(resource.get("Type")))
                    .map(resource -> asMap(resource.get("Properties")))
                    .filter(alarm -> alarm.get("Metrics") != null)
                    .flatMap(alarm -> asList(alarm.get("Metrics")).stream())
                    .map(query -> asMap(query).get("MetricStat")).filter(Objects::nonNull)
                    .map(stat -> asMap(asMap(stat).get("Metric")))
                    .filter(metric -> "Stowage".equals(metric.get("Namespace")))
                    .forEach(metric -> alarmed.add((String) metric.get("MetricName")));
            Set<String> gauges = new TreeSet<>();
            for (dev.stowage.domain.ops.Check check : dev.stowage.domain.ops.Check.values()) {
                if (check.category().key().equals(category)) {
                    gauges.add(check.group().key() + "." + category);
                }
            }
            assertTrue(alarmed.containsAll(gauges), "no alarm on " + gauges + " (alarmed: " + alarmed + ")");
        }
    }

    @Test
    void variantWorkComesFromSqsWithPartialBatchFailuresADeadLetterRedriveAndAnOptionalLibvipsLayer() {
        Map<String, Object> function = properties("VariantWorkerFunction");
        Map<String, Object> event = asMap(asMap(function.get("Events")).get("VariantWork"));
        assertEquals("SQS", event.get("Type"));
        Map<String, Object> sqs = asMap(event.get("Properties"));
        assertEquals("VariantQueue", getAttResource(asMap(sqs.get("Queue")).get("Fn::GetAtt")));
        assertEquals(List.of("ReportBatchItemFailures"), sqs.get("FunctionResponseTypes"));
        Map<String, Object> queue = properties("VariantQueue");
        Map<String, Object> redrive = asMap(queue.get("RedrivePolicy"));
        assertEquals("VariantDeadLetterQueue", getAttResource(asMap(redrive.get("deadLetterTargetArn")).get("Fn::GetAtt")));
        int timeout = ((Number) effective(function, "Timeout")).intValue();
        assertTrue(((Number) queue.get("VisibilityTimeout")).intValue() >= 6 * timeout,
                "VisibilityTimeout must be at least 6 x the worker's " + timeout + " s");
        // The worker's claim (stowage.variants.lease, 3 min) must outlast its timeout.
        assertTrue(timeout < 180, "the worker's timeout " + timeout + " s reaches the 3 min variant lease");
        assertEquals(Map.of("Fn::If", List.of("HasLibvipsLayer", List.of(Map.of("Ref", "LibvipsLayerArn")),
                Map.of("Ref", "AWS::NoValue"))), function.get("Layers"));
        assertEquals("", asMap(section("Parameters").get("LibvipsLayerArn")).get("Default"), "the layer is optional");
        // Everything that queues variant work may send to the queue, and every function is told its URL.
        for (String sender : List.of("CompleteUploadFunction", "ProxiedUploadFunction", "UploadEventsFunction",
                "PurgerFunction", "GetAssetFunction")) {
            assertTrue(statements(sender).stream().anyMatch(st -> actions(st).contains("sqs:SendMessage")
                    && st.get("Resource").equals(Map.of("Fn::GetAtt", "VariantQueue.Arn"))),
                    sender + " cannot send variant work");
        }
        assertEquals(Map.of("Ref", "VariantQueue"), asMap(asMap(asMap(section("Globals").get("Function"))
                .get("Environment")).get("Variables")).get("STOWAGE_VARIANT_QUEUE_URL"));
    }

    @Test
    void secretParametersAreReadOnlyByTheirOwnFunctionAndExportsDecryptWithAnOptionalCustomerKey() {
        Map<String, Object> exports = properties("ExportsFunction");
        assertEquals(Map.of("Ref", "ExportsSecretParameterName"), asMap(asMap(exports.get("Environment"))
                .get("Variables")).get("STOWAGE_EXPORTS_SIGNING_PARAMETER"));
        assertFalse(TEXT.contains("NOT YET READ"), "template.yaml still says a parameter is not read");
        Map<String, Object> streaming = asMap(asMap(properties("StreamingFunction").get("Environment"))
                .get("Variables"));
        assertEquals(Map.of("Ref", "MuxTokenParameterName"), streaming.get("STOWAGE_MUX_TOKEN_PARAMETER"));
        assertEquals(Map.of("Ref", "MuxWebhookSigningParameterName"),
                streaming.get("STOWAGE_MUX_WEBHOOK_SIGNING_PARAMETER"));
        // GetParameter on exactly each function's own parameters, and by no other function.
        Map<String, List<String>> own = Map.of(
                "ExportsFunction", List.of("ExportsSecretParameterName"),
                "StreamingFunction", List.of("MuxTokenParameterName", "MuxWebhookSigningParameterName"),
                "PurgerFunction", List.of("MuxTokenParameterName"));
        functions(any -> true).forEach((name, properties) -> {
            List<Map<String, Object>> ssm = statements(name).stream()
                    .filter(st -> actions(st).stream().anyMatch(a -> a.startsWith("ssm:"))).toList();
            if (own.containsKey(name)) {
                assertEquals(1, ssm.size(), ssm.toString());
                assertEquals(List.of("ssm:GetParameter"), actions(ssm.getFirst()));
                assertEquals(own.get(name).stream().map(parameter -> "arn:${AWS::Partition}:ssm:${AWS::Region}:"
                        + "${AWS::AccountId}:parameter${" + parameter + "}").toList(), resources(ssm.getFirst()),
                        name);
            } else {
                assertEquals(List.of(), ssm, name + " may read SSM parameters");
            }
        });
        // kms:Decrypt only when a customer key is named, only on it, only through SSM.
        assertEquals("", asMap(section("Parameters").get("ExportsSecretKmsKeyArn")).get("Default"));
        List<Object> conditional = asList(exports.get("Policies")).stream()
                .filter(policy -> asMap(policy).containsKey("Fn::If")).toList();
        assertEquals(1, conditional.size(), conditional.toString());
        List<Object> branches = asList(asMap(conditional.getFirst()).get("Fn::If"));
        assertEquals("HasExportsSecretKmsKey", branches.get(0));
        assertEquals(Map.of("Ref", "AWS::NoValue"), branches.get(2));
        Map<String, Object> decrypt = asMap(asList(asMap(branches.get(1)).get("Statement")).getFirst());
        assertEquals(List.of("kms:Decrypt"), actions(decrypt));
        assertEquals(Map.of("Ref", "ExportsSecretKmsKeyArn"), decrypt.get("Resource"));
        assertTrue(String.valueOf(decrypt.get("Condition")).contains("kms:ViaService"), decrypt.toString());
    }

    @Test
    void exportWorkComesFromItsOwnQueueWithPartialBatchFailuresADeadLetterRedriveAndATimeoutUnderTheClaim() {
        Map<String, Object> function = properties("ExportWorkerFunction");
        Map<String, Object> event = asMap(asMap(function.get("Events")).get("ExportWork"));
        assertEquals("SQS", event.get("Type"));
        Map<String, Object> sqs = asMap(event.get("Properties"));
        assertEquals("ExportQueue", getAttResource(asMap(sqs.get("Queue")).get("Fn::GetAtt")));
        assertEquals(List.of("ReportBatchItemFailures"), sqs.get("FunctionResponseTypes"));
        assertEquals(1, ((Number) sqs.get("BatchSize")).intValue(), "one export per invocation and timeout");
        Map<String, Object> queue = properties("ExportQueue");
        Map<String, Object> redrive = asMap(queue.get("RedrivePolicy"));
        assertEquals("ExportDeadLetterQueue", getAttResource(asMap(redrive.get("deadLetterTargetArn")).get("Fn::GetAtt")));
        int timeout = ((Number) effective(function, "Timeout")).intValue();
        assertTrue(((Number) queue.get("VisibilityTimeout")).intValue() >= 6 * timeout,
                "VisibilityTimeout must be at least 6 x the worker's " + timeout + " s");
        // The worker's claim (stowage.exports.pending-lease, 15 min) must outlast its timeout.
        assertTrue(timeout < 900, "the worker's timeout " + timeout + " s reaches the 15 min export claim");
        for (String sender : List.of("ExportsFunction", "PurgerFunction")) {
            assertTrue(statements(sender).stream().anyMatch(st -> actions(st).contains("sqs:SendMessage")
                    && st.get("Resource").equals(Map.of("Fn::GetAtt", "ExportQueue.Arn"))),
                    sender + " cannot send export work");
        }
        assertEquals(Map.of("Ref", "ExportQueue"), asMap(asMap(asMap(section("Globals").get("Function"))
                .get("Environment")).get("Variables")).get("STOWAGE_EXPORT_QUEUE_URL"));
    }

    @Test
    void corsOriginsHaveNoDefaultAndThePatternRefusesAWildcard() {
        Map<String, Object> cors = asMap(section("Parameters").get("CorsAllowedOrigins"));
        assertFalse(cors.containsKey("Default"), "CorsAllowedOrigins must be chosen by the deployer: " + cors);
        Pattern allowed = Pattern.compile((String) Objects.requireNonNull(cors.get("AllowedPattern"),
                "CorsAllowedOrigins has no AllowedPattern"));
        for (String refused : List.of("*", "https://*.example.com", "*,https://app.example.com",
                "https://app.example.com,*", "https://app.example.com/", "app.example.com", "")) {
            assertFalse(allowed.matcher(refused).matches(), "CorsAllowedOrigins accepts " + refused);
        }
        for (String accepted : List.of("https://app.example.com", "https://app.example.com,http://localhost:5173")) {
            assertTrue(allowed.matcher(accepted).matches(), "CorsAllowedOrigins refuses " + accepted);
        }
    }

    @Test
    void everyFunctionRunsInTheProxysVpcWhoseIdsTheDeployerMustGive() {
        // RDS Proxy is reachable only inside its VPC: an optional VPC would deploy functions that can
        // never reach the database.
        Map<String, Object> parameters = section("Parameters");
        for (var vpc : Map.of("VpcSubnetIds", "List<AWS::EC2::Subnet::Id>",
                "VpcSecurityGroupIds", "List<AWS::EC2::SecurityGroup::Id>").entrySet()) {
            Map<String, Object> parameter = asMap(parameters.get(vpc.getKey()));
            assertEquals(vpc.getValue(), parameter.get("Type"), vpc.getKey() + " type");
            assertFalse(parameter.containsKey("Default"), vpc.getKey() + " must be given: " + parameter);
        }
        functions(any -> true).forEach((name, properties) -> {
            Map<String, Object> vpcConfig = asMap(effective(properties, "VpcConfig"));
            assertEquals(Map.of("Ref", "VpcSubnetIds"), vpcConfig.get("SubnetIds"), name + " subnets");
            assertEquals(Map.of("Ref", "VpcSecurityGroupIds"), vpcConfig.get("SecurityGroupIds"), name + " groups");
        });
    }

    @Test
    void promotingRolesMayHeadTheOriginalTheyCopied() {
        for (String function : PROMOTING_FUNCTIONS) {
            boolean grants = statements(function).stream().anyMatch(statement ->
                    "Allow".equals(statement.get("Effect"))
                            && actions(statement).contains("s3:GetObject")
                            && resources(statement).stream().anyMatch(resource -> resource.endsWith("/assets/*")));
            assertTrue(grants, function + " lacks s3:GetObject on assets/* (HEAD of assets/<id>/original is a 403)");
        }
    }

    @Test
    void promotingRolesMayAbortTheirCopyInPartsAndEveryUploadLeftOpenIsAbortedInTheEnd() {
        // A copy above stowage.storage.multipart-copy-threshold opens an upload at assets/<id>/original and
        // aborts it when a part fails; the purger aborts one whose function died. Without the permission S3
        // answers 403 and the parts stay, billed, until the bucket rule below.
        for (String function : PROMOTING_FUNCTIONS) {
            boolean grants = statements(function).stream().anyMatch(statement ->
                    "Allow".equals(statement.get("Effect"))
                            && actions(statement).contains("s3:AbortMultipartUpload")
                            && resources(statement).stream().anyMatch(resource -> resource.endsWith("/assets/*")));
            assertTrue(grants, function + " lacks s3:AbortMultipartUpload on assets/*");
        }
        List<Object> rules = asList(asMap(properties("MediaBucket").get("LifecycleConfiguration")).get("Rules"));
        assertTrue(rules.stream().map(TemplateTest::asMap).anyMatch(rule -> "Enabled".equals(rule.get("Status"))
                        && !rule.containsKey("Prefix") && !rule.containsKey("Filter")
                        && rule.containsKey("AbortIncompleteMultipartUpload")),
                "a bucket-wide rule aborts incomplete multipart uploads, under assets/ too: " + rules);
    }

    @Test
    void uploadEventsComeFromSqsWithPartialBatchFailuresAndADeadLetterRedrive() {
        Map<String, Object> function = properties("UploadEventsFunction");
        Map<String, Object> events = asMap(function.get("Events"));
        assertEquals(1, events.size(), "upload-events triggers: " + events.keySet());
        Map<String, Object> event = asMap(events.values().iterator().next());
        assertEquals("SQS", event.get("Type"), "upload-events must be fed by SQS, not invoked by S3 directly");
        Map<String, Object> sqs = asMap(event.get("Properties"));
        assertEquals("UploadEventsQueue", getAttResource(asMap(sqs.get("Queue")).get("Fn::GetAtt")));
        assertEquals(List.of("ReportBatchItemFailures"), sqs.get("FunctionResponseTypes"));
        assertEquals(10, sqs.get("BatchSize"));
        // Capped (everyConnectionBudgetCoversAllTheReservedConcurrency checks by how much).
        assertNotNull(asMap(asList(asMap(sqs.get("ScalingConfig")).get("Fn::If")).get(1)).get("MaximumConcurrency"),
                "no MaximumConcurrency");
        assertFalse(function.containsKey("DeadLetterQueue") || function.containsKey("EventInvokeConfig"),
                "an SQS-triggered function is never invoked asynchronously: its async DLQ/retry settings mislead");

        Map<String, Object> queue = properties("UploadEventsQueue");
        Map<String, Object> redrive = asMap(queue.get("RedrivePolicy"));
        assertEquals("UploadEventsDeadLetterQueue", getAttResource(asMap(redrive.get("deadLetterTargetArn")).get("Fn::GetAtt")));
        assertEquals(5, redrive.get("maxReceiveCount"));
        int timeout = ((Number) effective(function, "Timeout")).intValue();
        assertTrue(((Number) queue.get("VisibilityTimeout")).intValue() >= 6 * timeout,
                "VisibilityTimeout must be at least 6 x the function's " + timeout + " s");
        Map<String, Object> deadLetters = properties("UploadEventsDeadLetterQueue");
        assertEquals(1209600, deadLetters.get("MessageRetentionPeriod"), "the DLQ keeps messages 14 days");
        assertEquals(true, queue.get("SqsManagedSseEnabled"));
        assertEquals(true, deadLetters.get("SqsManagedSseEnabled"));

        Map<String, Object> bucket = asMap(section("Resources").get("MediaBucket"));
        assertEquals("UploadEventsQueuePolicy", bucket.get("DependsOn"), "S3 refuses the notification before the policy");
        Map<String, Object> notification = asMap(asList(asMap(asMap(bucket.get("Properties"))
                .get("NotificationConfiguration")).get("QueueConfigurations")).getFirst());
        assertEquals("s3:ObjectCreated:*", notification.get("Event"));
        assertEquals("UploadEventsQueue", getAttResource(asMap(notification.get("Queue")).get("Fn::GetAtt")));
        assertTrue(notification.toString().contains("Value=staging/"), "notification filter: " + notification);
        assertTrue(asList(asMap(asMap(bucket.get("Properties")).get("NotificationConfiguration")).get("QueueConfigurations"))
                        .stream().anyMatch(q -> q.toString().contains("Value=staged-files/")
                                && q.toString().contains("UploadEventsQueue")),
                "staged files notify the same queue as uploads");

        Map<String, Object> allow = asMap(asList(asMap(properties("UploadEventsQueuePolicy").get("PolicyDocument"))
                .get("Statement")).getFirst());
        assertEquals(Map.of("Service", "s3.amazonaws.com"), allow.get("Principal"));
        assertEquals("sqs:SendMessage", allow.get("Action"));
        String condition = allow.get("Condition").toString();
        assertTrue(condition.contains("aws:SourceArn") && condition.contains("aws:SourceAccount"),
                "the queue policy must admit only this bucket of this account: " + condition);

        functions(name -> true).forEach((name, properties) -> asMap(properties.get("Events")).values().forEach(e ->
                assertFalse("S3".equals(asMap(e).get("Type")), name + " is still invoked by S3 directly")));
    }

    @Test
    void alarmsWatchDeadLettersBacklogErrorsThrottlesApi5xxAndThePurgerSchedule() {
        List<Map<String, Object>> alarms = section("Resources").values().stream().map(TemplateTest::asMap)
                .filter(resource -> "AWS::CloudWatch::Alarm".equals(resource.get("Type")))
                .map(resource -> asMap(resource.get("Properties"))).toList();
        assertTrue(alarms.stream().anyMatch(alarm -> is(alarm, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
                        && dimension(alarm).equals(Map.of("Fn::GetAtt", List.of("UploadEventsDeadLetterQueue", "QueueName")))
                        && "GreaterThanThreshold".equals(alarm.get("ComparisonOperator"))
                        && ((Number) alarm.get("Threshold")).doubleValue() == 0),
                "no alarm on a non-empty upload-events dead-letter queue");
        assertTrue(alarms.stream().anyMatch(alarm -> is(alarm, "AWS/SQS", "ApproximateAgeOfOldestMessage")
                        && dimension(alarm).equals(Map.of("Fn::GetAtt", List.of("UploadEventsQueue", "QueueName")))),
                "no alarm on the age of the oldest upload event");
        for (String function : functions(name -> true).keySet()) {
            for (String metric : List.of("Errors", "Throttles")) {
                assertTrue(alarms.stream().anyMatch(alarm -> is(alarm, "AWS/Lambda", metric)
                        && dimension(alarm).equals(Map.of("Ref", function))), "no " + metric + " alarm for " + function);
            }
        }
        assertTrue(alarms.stream().anyMatch(alarm -> is(alarm, "AWS/ApiGateway", "5xx")
                && dimension(alarm).equals(Map.of("Ref", "HttpApi"))), "no alarm on the HTTP API's 5xx");
        assertTrue(alarms.stream().anyMatch(alarm -> is(alarm, "AWS/Lambda", "Invocations")
                        && dimension(alarm).equals(Map.of("Ref", "PurgerFunction"))
                        && "LessThanThreshold".equals(alarm.get("ComparisonOperator"))
                        && "breaching".equals(alarm.get("TreatMissingData"))),
                "no alarm when the purger's schedule stops firing (Invocations < 1, missing data breaching)");
        Object notify = Map.of("Fn::If", List.of("HasAlarmTopic", List.of(Map.of("Ref", "AlarmTopicArn")),
                Map.of("Ref", "AWS::NoValue")));
        alarms.forEach(alarm -> assertEquals(notify, alarm.get("AlarmActions"), alarm.get("AlarmName") + " notifies nobody"));

        Map<String, Object> schedule = asMap(asMap(asMap(properties("PurgerFunction").get("Events")).get("Purge"))
                .get("Properties"));
        assertNotNull(asMap(schedule.get("RetryPolicy")).get("MaximumRetryAttempts"),
                "the purger schedule keeps the Scheduler's default of 185 retries over a day");
    }

    @Test
    void everyFunctionHasReservedConcurrencyJsonLogsAndActiveTracing() {
        Map<String, Map<String, Object>> all = functions(name -> true);
        assertEquals(18, all.size(), "functions: " + all.keySet());
        all.forEach((name, properties) -> {
            assertNotNull(properties.get("ReservedConcurrentExecutions"), name + " has no reserved concurrency");
            Map<String, Object> logging = asMap(properties.get("LoggingConfig"));
            assertEquals("JSON", logging.get("LogFormat"), name + " log format");
            assertNotNull(logging.get("ApplicationLogLevel"), name + " has no ApplicationLogLevel");
            assertNotNull(logging.get("SystemLogLevel"), name + " has no SystemLogLevel");
            assertEquals("Active", effective(properties, "Tracing"), name + " tracing");
        });
        assertEquals(1, properties("PurgerFunction").get("ReservedConcurrentExecutions"), "purger runs one at a time");
    }

    @Test
    void functionsAuthenticateToTheProxyWithIamAndNoSecretReachesTheirEnvironment() {
        assertFalse(TEXT.contains("resolve:secretsmanager"), "a Secrets Manager dynamic reference is still in template.yaml");
        Map<String, Object> variables = asMap(asMap(asMap(section("Globals").get("Function")).get("Environment"))
                .get("Variables"));
        assertEquals("iam", variables.get("STOWAGE_DATABASE_AUTH"));
        assertTrue(variables.get("STOWAGE_DATABASE_URL").toString().contains("sslmode=verify-full"),
                "the database URL must verify the proxy's certificate: " + variables.get("STOWAGE_DATABASE_URL"));
        functions(name -> true).forEach((name, properties) -> {
            Map<String, Object> own = asMap(asMap(properties.get("Environment")).get("Variables"));
            for (String variable : concat(variables.keySet(), own.keySet())) {
                assertFalse(variable.contains("PASSWORD") || variable.contains("SECRET"), name + " is given " + variable);
            }
            List<Map<String, Object>> connect = statements(name).stream()
                    .filter(statement -> actions(statement).stream().anyMatch(action -> action.startsWith("rds-db:")))
                    .toList();
            assertEquals(1, connect.size(), name + " must have exactly one rds-db statement");
            assertEquals(List.of("rds-db:connect"), actions(connect.getFirst()));
            assertEquals(List.of("arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:"
                    + "${DatabaseProxyResourceId}/${DatabaseUser}"), resources(connect.getFirst()), name);
        });
    }

    @Test
    void everyFunctionRestoresFromASnapshotOfItsPublishedVersionThroughTheLiveAlias() {
        Map<String, Map<String, Object>> all = functions(name -> true);
        assertFalse(all.isEmpty());
        all.forEach((name, properties) -> {
            assertEquals(Map.of("ApplyOn", "PublishedVersions"), effective(properties, "SnapStart"), name + " SnapStart");
            // SnapStart applies to published versions only: the triggers must invoke the alias SAM publishes.
            assertEquals("live", effective(properties, "AutoPublishAlias"), name + " AutoPublishAlias");
        });
    }

    @Test
    void everyApiFunctionIsPrimedBeforeItsSnapshot() {
        Map<String, Map<String, Object>> api = functions(TemplateTest::isApiFunction);
        assertEquals(13, api.size(), "API functions: " + api.keySet());
        Pattern module = Pattern.compile("functions/([a-z-]+)/target/.*");
        api.forEach((name, properties) -> {
            // Read, not loaded: this module runs the API on Netty and has no API Gateway handler classes.
            Matcher jar = module.matcher(String.valueOf(properties.get("CodeUri")));
            assertTrue(jar.matches(), name + " CodeUri");
            String handler = (String) properties.get("Handler");
            Path source = ROOT.resolve("functions").resolve(jar.group(1)).resolve("src/main/java")
                    .resolve(handler.replace('.', '/') + ".java");
            assertTrue(Files.exists(source), name + ": no " + source);
            assertTrue(read(source).contains(" extends PrimedApiFunction"),
                    name + ": " + handler + " registers no SnapStart priming hook (PrimedApiFunction)");
        });
    }

    @Test
    void everyFunctionPointsAtABuiltModuleAndAHandlerThatExists() throws IOException, ClassNotFoundException {
        Pattern codeUri = Pattern.compile("functions/([a-z-]+)/target/([a-z-]+)-([0-9A-Za-z.-]+)-lambda\\.jar");
        for (var entry : functions(name -> true).entrySet()) {
            String name = entry.getKey();
            Matcher jar = codeUri.matcher((String) entry.getValue().get("CodeUri"));
            assertTrue(jar.matches(), name + " CodeUri " + entry.getValue().get("CodeUri"));
            Path module = ROOT.resolve("functions").resolve(jar.group(1));
            String pom = read(module.resolve("pom.xml"));
            assertTrue(pom.contains("<artifactId>" + jar.group(2) + "</artifactId>"), name + ": no module builds " + jar.group(2));
            assertTrue(read(ROOT.resolve("pom.xml")).contains("<version>" + jar.group(3) + "</version>"),
                    name + ": the project is not at version " + jar.group(3));
            assertTrue(pom.contains("<shadedClassifierName>lambda</shadedClassifierName>"), name + ": no -lambda jar");
            String handler = (String) entry.getValue().get("Handler");
            String className = handler.split("::")[0];
            Path source = module.resolve("src/main/java").resolve(className.replace('.', '/') + ".java");
            if (className.startsWith("io.micronaut.function.aws.proxy.")) {
                assertTrue(pom.contains("<artifactId>micronaut-function-aws-api-proxy</artifactId>"),
                        name + ": " + className + " is not on " + jar.group(1) + "'s classpath");
            } else {
                assertTrue(Files.exists(source), name + ": no " + source);
                if (handler.contains("::")) {
                    // Public, declared or inherited (the SQS handlers share SqsBatchHandler's handleRequest).
                    String method = handler.split("::")[1];
                    assertTrue(java.util.Arrays.stream(Class.forName(className).getMethods())
                                    .anyMatch(m -> m.getName().equals(method)),
                            name + ": " + className + " has no public method " + method);
                }
            }
        }
    }

    // ------------------------------------------------------------------ reading the template

    /** SnakeYAML with CloudFormation's short-form tags, each read as its long form ({@code !Sub x} -> {@code Fn::Sub: x}). */
    private static Map<String, Object> parse(String yaml) {
        var constructor = new SafeConstructor(new LoaderOptions()) {
            {
                for (String function : List.of("Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join",
                        "Select", "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "Length", "ToJsonString")) {
                    yamlConstructors.put(new Tag("!" + function), intrinsic("Fn::" + function));
                }
                yamlConstructors.put(new Tag("!Ref"), intrinsic("Ref"));
                yamlConstructors.put(new Tag("!Condition"), intrinsic("Condition"));
            }

            private AbstractConstruct intrinsic(String name) {
                return new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        Object value = switch (node) {
                            case ScalarNode scalar -> constructScalar(scalar);
                            case SequenceNode sequence -> constructSequence(sequence);
                            case MappingNode mapping -> constructMapping(mapping);
                            default -> throw new IllegalStateException("unexpected node " + node);
                        };
                        return Map.of(name, value);
                    }
                };
            }
        };
        return new Yaml(constructor).load(yaml);
    }

    private static Map<String, Object> section(String name) {
        return asMap(TEMPLATE.get(name));
    }

    private static Map<String, Object> properties(String resource) {
        return asMap(asMap(Objects.requireNonNull(section("Resources").get(resource), "no resource " + resource))
                .get("Properties"));
    }

    private static Map<String, Map<String, Object>> functions(Predicate<Map<String, Object>> filter) {
        Map<String, Map<String, Object>> functions = new LinkedHashMap<>();
        section("Resources").forEach((name, resource) -> {
            if ("AWS::Serverless::Function".equals(asMap(resource).get("Type"))
                    && filter.test(asMap(asMap(resource).get("Properties")))) {
                functions.put(name, asMap(asMap(resource).get("Properties")));
            }
        });
        return functions;
    }

    private static boolean isApiFunction(Map<String, Object> properties) {
        return asMap(properties.get("Events")).values().stream().anyMatch(event -> "HttpApi".equals(asMap(event).get("Type")));
    }

    /** A function's property, or the Globals' when it sets none. */
    private static Object effective(Map<String, Object> properties, String property) {
        return properties.containsKey(property) ? properties.get(property)
                : asMap(section("Globals").get("Function")).get(property);
    }

    private static List<Map<String, Object>> statements(String function) {
        return asList(properties(function).get("Policies")).stream()
                .flatMap(policy -> asList(asMap(policy).get("Statement")).stream()).map(TemplateTest::asMap).toList();
    }

    private static List<String> actions(Map<String, Object> statement) {
        return asList(statement.get("Action")).stream().map(String::valueOf).toList();
    }

    /** Each resource as text: a plain string, or the template string of an {@code Fn::Sub}. */
    private static List<String> resources(Map<String, Object> statement) {
        return asList(statement.get("Resource")).stream().map(resource -> resource instanceof Map<?, ?> map
                && map.get("Fn::Sub") instanceof Object sub ? String.valueOf(sub instanceof List<?> l ? l.getFirst() : sub)
                : String.valueOf(resource)).toList();
    }

    private static boolean is(Map<String, Object> alarm, String namespace, String metric) {
        return namespace.equals(alarm.get("Namespace")) && metric.equals(String.valueOf(alarm.get("MetricName")));
    }

    /** The value of an alarm's only dimension, normalised ({@code !GetAtt A.B} -> {@code [A, B]}). */
    private static Object dimension(Map<String, Object> alarm) {
        List<Object> dimensions = asList(alarm.get("Dimensions"));
        if (dimensions.size() != 1) {
            return dimensions;
        }
        Object value = asMap(dimensions.getFirst()).get("Value");
        if (value instanceof Map<?, ?> map && map.get("Fn::GetAtt") instanceof String attribute) {
            return Map.of("Fn::GetAtt", List.of(attribute.split("\\.", 2)));
        }
        return value;
    }

    private static String getAttResource(Object getAtt) {
        return getAtt instanceof List<?> list ? String.valueOf(list.getFirst()) : String.valueOf(getAtt).split("\\.")[0];
    }

    /** Calls {@code visitor} with every mapping in the tree and its path. */
    private static void walk(Object node, String path, java.util.function.BiConsumer<String, Map<String, Object>> visitor) {
        if (node instanceof Map<?, ?> map) {
            visitor.accept(path, asMap(map));
            map.forEach((key, value) -> walk(value, path + "/" + key, visitor));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "/" + i, visitor);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value) {
        return value == null ? List.of() : value instanceof List<?> list ? (List<Object>) list : List.of(value);
    }

    private static List<String> concat(Set<String> a, Set<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The checkout's root: the nearest directory up from here holding template.yaml (tests run in local/). */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("template.yaml")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no template.yaml above " + Path.of("").toAbsolutePath());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
