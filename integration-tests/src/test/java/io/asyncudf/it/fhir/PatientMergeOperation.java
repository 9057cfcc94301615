package io.asyncudf.it.fhir;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Patient.LinkType;
import org.hl7.fhir.r4.model.Reference;

/**
 * {@code POST [base]/Patient/$merge} with Parameters {@code source-patient} and
 * {@code target-patient} (References {@code Patient/id}). Stores a new version of the source with
 * {@code active=false} and a {@code replaced-by} link to the target, and a new version of the
 * target with a {@code replaces} link to the source. Answers {@code 200 OK} with Parameters
 * {@code outcome} (an informational OperationOutcome) and {@code result} (the updated target
 * Patient), like HAPI JPA's $merge. A missing or non-Patient reference, or source = target, is a
 * 400; an unknown id a 404 and a deleted one a 410, each with an OperationOutcome.
 */
public final class PatientMergeOperation {

  private final InMemoryResourceProvider<Patient> patients;

  PatientMergeOperation(InMemoryResourceProvider<Patient> patients) {
    this.patients = patients;
  }

  @Operation(name = "$merge", type = Patient.class)
  public Parameters merge(
      @OperationParam(name = "source-patient") Reference sourceReference,
      @OperationParam(name = "target-patient") Reference targetReference,
      RequestDetails request) {
    IdType sourceId = patientId("source-patient", sourceReference);
    IdType targetId = patientId("target-patient", targetReference);
    if (sourceId.getIdPart().equals(targetId.getIdPart())) {
      throw new InvalidRequestException("source-patient and target-patient are both " + sourceId);
    }
    synchronized (patients) {
      Patient source = patients.read(sourceId, request).copy().setActive(false);
      Patient target = patients.read(targetId, request).copy();
      source.setId(sourceId);
      target.setId(targetId);
      source.addLink().setType(LinkType.REPLACEDBY).setOther(new Reference(targetId));
      target.addLink().setType(LinkType.REPLACES).setOther(new Reference(sourceId));
      patients.update(source, null, request);
      patients.update(target, null, request);
      Parameters result = new Parameters();
      result.addParameter().setName("outcome").setResource(new OperationOutcome().addIssue(
          new OperationOutcome.OperationOutcomeIssueComponent()
              .setSeverity(IssueSeverity.INFORMATION)
              .setCode(IssueType.INFORMATIONAL)
              .setDiagnostics("Merged " + sourceId + " into " + targetId)));
      result.addParameter().setName("result").setResource(target);
      return result;
    }
  }

  private static IdType patientId(String parameter, Reference reference) {
    if (reference == null || !reference.hasReference()) {
      throw new InvalidRequestException(parameter + " is required: a Reference to Patient/id");
    }
    IdType id = new IdType(reference.getReference());
    if (!id.hasIdPart() || (id.hasResourceType() && !"Patient".equals(id.getResourceType()))) {
      throw new InvalidRequestException(parameter + " must reference Patient/id, got " + id.getValue());
    }
    return new IdType("Patient", id.getIdPart());
  }
}
