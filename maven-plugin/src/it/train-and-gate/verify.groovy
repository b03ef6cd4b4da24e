// The build passed (invoker checks that); here: what it left in target/, what it logged, and that the
// README shows this build's plugin block unchanged.
import groovy.json.JsonSlurper

def run = new File(basedir, 'target/smoothcal/run')
assert new File(run, 'run.json').isFile()
assert new File(run, 'model.onnx').isFile()
assert new File(run, 'saved_model').isDirectory()
def parity = new JsonSlurper().parse(new File(basedir, 'target/smoothcal/parity.json'))
assert parity.passed == true
def report = new JsonSlurper().parse(new File(basedir, 'target/smoothcal/evaluation/report.json'))
assert report.accuracy >= 0.9

def log = new File(basedir, 'build.log').text
assert log.contains('smoothcal: epoch 2:')
assert log.contains('smoothcal: parity PASSED')
assert log =~ /smoothcal: accuracy >= 0\.9\s+\d\.\d+\s+0\.900000\s+passed/
assert log =~ /smoothcal: ece <= 0\.2\s+\d\.\d+\s+0\.200000\s+passed/
assert log =~ /smoothcal: accuracy\.lower >= 0\.88\s+\d\.\d+\s+0\.880000\s+passed/
assert log.contains('smoothcal: parity TF vs ONNX passed')
assert !log.contains('FAILED')

// basedir is maven-plugin/target/it/train-and-gate; the pom there has the plugin's coordinates filled in.
def readme = new File(basedir, '../../../../README.md').text
def section = readme.substring(readme.indexOf('**Maven plugin.**'))
def shown = section.substring(section.indexOf('```xml\n') + 7, section.indexOf('\n```', section.indexOf('```xml\n')))
def pom = new File(basedir, 'pom.xml').text
def built = pom.substring(pom.indexOf('<plugin>'), pom.indexOf('</plugin>') + '</plugin>'.length())
def lines = { String s -> s.readLines()*.trim().findAll { it } }
assert lines(shown) == lines(built), 'README.md, section "Gate a build", shows another plugin block than this IT builds'
