// invoker has checked that the build failed; this checks that interop failed it, naming the checks, after
// writing parity.json.
import groovy.json.JsonSlurper

def parity = new JsonSlurper().parse(new File(basedir, 'target/smoothcal/parity.json'))
assert parity.passed == false
assert parity.failures.any { it.startsWith('at batch size 1 logits differ by up to') }

def log = new File(basedir, 'build.log').text
assert log.contains('smoothcal: parity FAILED')
assert log =~ /interop \(parity\) on project interop-mismatch: smoothcal interop: the ONNX export of \S+ does not match TensorFlow: at batch size 1 logits differ by up to/
assert log.contains('BUILD FAILURE')
