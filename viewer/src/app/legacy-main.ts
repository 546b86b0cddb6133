/**
 * Entry of the legacy bundle for Chrome 65–79 WebViews: the polyfills first (an import runs
 * before the modules imported after it), then the same app as the modern bundle.
 */
import "./legacy-polyfills.js";
import "./main.js";
