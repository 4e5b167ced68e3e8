/**
 * Validation: checks a class against Kiln's rules and collects every problem into a report, each on
 * its exact element; generation runs only on a clean report.
 */
package dev.kiln.processor.validate;
