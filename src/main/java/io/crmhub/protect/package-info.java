/**
 * Personal data at rest: AES-GCM sealing of phone numbers, ID numbers and e-mail addresses under rotatable keys, the
 * keyed-hash blind index used for lookups and duplicate checks (and as the cross-channel customer key), and the
 * re-encryption job. Depends on no other module; the stores that hold sealed values plug in as {@link ResealableStore}.
 */
@ApplicationModule(displayName = "Personal data protection", allowedDependencies = {})
package io.crmhub.protect;

import org.springframework.modulith.ApplicationModule;
