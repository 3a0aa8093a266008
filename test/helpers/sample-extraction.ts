/** A complete, valid v2.0.0 extraction of an invented patient, as a model's tool input. */
export const SAMPLE_V2 = {
  patient: {
    name: 'Quillon Marbrey-Testcase',
    dateOfBirth: '1971-03-14',
    sex: 'F',
    mrn: 'TST-448812',
  },
  encounter: {
    dateOfService: '2026-10-02',
    providerName: 'Dr. Orla Fenwick-Example',
    facility: 'Example Valley Clinic',
    documentType: 'office_note',
  },
  diagnoses: [
    { description: 'Essential hypertension', icd10: 'I10' },
    { description: 'Type 2 diabetes mellitus', icd10: 'E11.9' },
  ],
  medications: [
    { name: 'Lisinopril', dose: '10 mg', frequency: 'daily' },
    { name: 'Metformin', dose: '500 mg', frequency: 'twice daily' },
  ],
  allergies: [],
  vitals: { bloodPressure: '138/88', heartRate: 76, heightCm: 170.2, weightKg: 82.6, bmi: null },
  labs: [],
  socialHistory: { tobaccoUse: 'former', packYears: 12 },
  riskFactors: [{ factor: 'hypertension', severity: 'moderate', evidence: 'BP 138/88' }],
};
