// invoker has checked that the build failed; this checks that it failed at the gate, for the rule that
// cannot hold, and that the log gives the value found.
import groovy.json.JsonSlurper

def report = new JsonSlurper().parse(new File(basedir, 'target/smoothcal/evaluation/report.json'))
def ece = String.format(Locale.ROOT, '%.6f', report.ece as double)

def log = new File(basedir, 'build.log').text
assert log =~ /\[ERROR\] smoothcal: ece <= 0\.0001\s+${ece}\s+0\.000100\s+FAILED/
assert log =~ /smoothcal: accuracy >= 0\.5\s+\d\.\d+\s+0\.500000\s+passed/
assert log.contains('BUILD FAILURE')
assert log =~ /Failed to execute goal dev\.smoothcal:smoothcal-maven-plugin:[^:]+:check \(gate\) on project gate-fails: smoothcal check failed: ece <= 0\.0001 \(found ${ece}\)/
