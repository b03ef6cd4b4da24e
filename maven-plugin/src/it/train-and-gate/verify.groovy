// The build passed (invoker checks that); here: what it left in target/ and what it logged.
import groovy.json.JsonSlurper

def run = new File(basedir, 'target/smoothcal/run')
assert new File(run, 'run.json').isFile()
assert new File(run, 'model.onnx').isFile()
assert new File(run, 'saved_model').isDirectory()
def parity = new JsonSlurper().parse(new File(basedir, 'target/smoothcal/parity.json'))
assert parity.passed == true
def report = new JsonSlurper().parse(new File(basedir, 'target/smoothcal/evaluation/report.json'))
assert report.accuracy >= 0.8

def log = new File(basedir, 'build.log').text
assert log.contains('smoothcal: epoch 2:')
assert log.contains('smoothcal: parity PASSED')
assert log =~ /smoothcal: accuracy >= 0\.8\s+\d\.\d+\s+0\.800000\s+passed/
assert log =~ /smoothcal: ece <= 0\.2\s+\d\.\d+\s+0\.200000\s+passed/
assert !log.contains('FAILED')
